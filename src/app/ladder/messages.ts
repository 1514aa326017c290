/** Strings of the ladder (sequence) timeline, in both languages. */
import type { Catalog } from '../i18n';

type Key =
  | 'title'
  | 'plotLabel'
  | 'keyHint'
  | 'client'
  | 'server'
  | 'zoomIn'
  | 'zoomOut'
  | 'fit'
  | 'fitTitle'
  | 'follow'
  | 'followTitle'
  | 'absolute'
  | 'now'
  | 'dropped'
  | 'queueFull'
  | 'rtx'
  | 'dup'
  | 'dropButton'
  | 'dropButtonTitle'
  | 'dirC2S'
  | 'dirS2C'
  | 'segAria'
  | 'statusInFlight'
  | 'statusDelivered'
  | 'statusDropped'
  | 'statusQueueFull'
  | 'markRtx'
  | 'markDup'
  | 'timerRtx'
  | 'timerTimeWait'
  | 'timerFinWait2'
  | 'timerDelack'
  | 'timerLeft'
  | 'gap'
  | 'gapTitle'
  | 'segments'
  | 'dense'
  | 'empty';

export type LadderKey = Key;

export const messages = {
  en: {
    title: 'Timeline',
    plotLabel: 'Sequence diagram: client on the left, server on the right, time flows down',
    keyHint:
      'Each segment is a button: Enter or Space selects it, D drops it while it is in flight. Scroll or drag to zoom and pan.',
    client: 'client',
    server: 'server',
    zoomIn: 'zoom in',
    zoomOut: 'zoom out',
    fit: 'fit',
    fitTitle: 'Show the whole run',
    follow: 'follow',
    followTitle: 'Follow the cursor (the last 1.5 s)',
    absolute: 'absolute numbers',
    now: 'now',
    dropped: 'dropped',
    queueFull: 'queue full',
    rtx: 'rtx',
    dup: 'dup',
    dropButton: '✕ drop',
    dropButtonTitle: 'Drop this segment on the link (D)',
    dirC2S: 'client to server',
    dirS2C: 'server to client',
    segAria: '{dir} [{flags}] seq {seq} ack {ack} length {len}, {status}{marks}',
    statusInFlight: 'in flight',
    statusDelivered: 'delivered',
    statusDropped: 'dropped',
    statusQueueFull: 'dropped: the bottleneck queue was full',
    markRtx: ', retransmission',
    markDup: ', duplicate made by the link',
    timerRtx: 'RTO {d}',
    timerTimeWait: 'TIME_WAIT {d}',
    timerFinWait2: 'FIN_WAIT_2 {d}',
    timerDelack: 'ACK delay {d}',
    timerLeft: '{r} left',
    gap: '⋯ {d}',
    gapTitle: '{d} with nothing on the link, drawn short',
    segments: 'segments',
    dense: '{n} segments in view, drawn as a picture: zoom in to pick one',
    empty: 'Nothing on the link yet: listen() and connect() to start.',
  },
  zh: {
    title: '时序图',
    plotLabel: '时序图：左边是客户端，右边是服务器，时间向下流动',
    keyHint:
      '每个报文段都是按钮：Enter 或空格选中，传输中的报文段按 D 丢弃。滚轮或拖动可缩放、平移。',
    client: '客户端',
    server: '服务器',
    zoomIn: '放大',
    zoomOut: '缩小',
    fit: '全览',
    fitTitle: '显示整个运行过程',
    follow: '跟随',
    followTitle: '跟随当前时刻（最近 1.5 秒）',
    absolute: '绝对序号',
    now: '当前',
    dropped: '已丢弃',
    queueFull: '队列已满',
    rtx: '重传',
    dup: '重复',
    dropButton: '✕ 丢弃',
    dropButtonTitle: '在链路上丢弃这个报文段（D）',
    dirC2S: '客户端到服务器',
    dirS2C: '服务器到客户端',
    segAria: '{dir} [{flags}] seq {seq} ack {ack} 长度 {len}，{status}{marks}',
    statusInFlight: '传输中',
    statusDelivered: '已送达',
    statusDropped: '已丢弃',
    statusQueueFull: '已丢弃：瓶颈队列已满',
    markRtx: '，重传',
    markDup: '，链路复制的副本',
    timerRtx: 'RTO {d}',
    timerTimeWait: 'TIME_WAIT {d}',
    timerFinWait2: 'FIN_WAIT_2 {d}',
    timerDelack: '延迟 ACK {d}',
    timerLeft: '剩余 {r}',
    gap: '⋯ {d}',
    gapTitle: '链路空闲 {d}，已压缩显示',
    segments: '报文段',
    dense: '视野内有 {n} 个报文段，以图片绘制；放大后可选择单个报文段',
    empty: '链路上还没有报文段：先 listen() 再 connect()。',
  },
} satisfies Catalog<Key>;
