import type { Catalog } from '../i18n';

/** Strings of the step panel beside the ladder. */
export const stepMessages = {
  en: {
    stepTitle: 'This step',
    changesTitle: 'What changed',
    noChanges: 'No TCB value changed at this instant.',
    before: 'before',
    after: 'after',
    field: 'field',
    state: 'state',
    sources: 'Sources',
    timer_rtx: 'retransmission timer',
    timer_delack: 'delayed-ACK timer',
    timer_finWait2: 'FIN_WAIT_2 timer',
    timer_timeWait: 'TIME_WAIT timer',
    walkIntro:
      'Or step through the moments that matter, predicting each state change first; or fill in hidden header fields yourself.',
    walkStart: 'Start walkthrough',
    exerciseStart: 'Exercise',
    walkClose: 'Back to this step',
  },
  zh: {
    stepTitle: '当前这一步',
    changesTitle: '发生的变化',
    noChanges: '此刻没有 TCB 值发生变化。',
    before: '之前',
    after: '之后',
    field: '字段',
    state: '状态',
    sources: '出处',
    timer_rtx: '重传计时器',
    timer_delack: '延迟确认计时器',
    timer_finWait2: 'FIN_WAIT_2 计时器',
    timer_timeWait: 'TIME_WAIT 计时器',
    walkIntro: '也可以逐一查看关键时刻，并在每次状态变化前先做预测；或者自己填写被隐藏的首部字段。',
    walkStart: '开始讲解',
    exerciseStart: '练习',
    walkClose: '返回当前这一步',
  },
} satisfies Catalog<string>;
