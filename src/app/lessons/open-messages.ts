/**
 * Words for opening in the worker: the progress bar, Cancel, and why an opening
 * stopped. Loaded with the opener (on first use), not with the first page.
 */
import type { Catalog } from '../i18n';

const en = {
  opening: 'Opening {name}…',
  theLink: 'the shared run',
  theStored: 'the saved session',
  reading: 'Reading…',
  progress: '{events} of {max} events, {segments} segments, virtual time {t} s',
  cancel: 'Cancel',
  cancelled: 'Stopped opening {name}. Your work is as it was.',
  stalled: 'Stopped opening {name}: no progress for {seconds} s. Your work is as it was.',
  overBudget: '{message} — more than the app runs to open one file, link or saved session',
  limitReached:
    'Playback stopped: {message}, the most the app runs for one opened run. You can still look back through it, or act at an earlier instant.',
};

export const openMessages = {
  en,
  zh: {
    opening: '正在打开 {name}…',
    theLink: '分享的运行',
    theStored: '保存的会话',
    reading: '正在读取…',
    progress: '{events} / {max} 个事件，{segments} 个报文段，虚拟时间 {t} 秒',
    cancel: '取消',
    cancelled: '已停止打开 {name}。你的工作保持原样。',
    stalled: '已停止打开 {name}：{seconds} 秒内没有进展。你的工作保持原样。',
    overBudget: '{message}——超过了本应用打开单个文件、链接或保存的会话时所运行的上限',
    limitReached:
      '播放已停止：{message}，这是本应用为一次打开的运行所设的上限。你仍可回看，或在更早的时刻操作。',
  },
} satisfies Catalog<keyof typeof en>;
