/** Strings of the data-transfer graphs, in both languages. */
import type { Catalog } from '../i18n';

type Key =
  | 'title'
  | 'seqTitle'
  | 'ccTitle'
  | 'ccNow'
  | 'ccNowNone'
  | 'stripTitle'
  | 'direction'
  | 'dirOption'
  | 'client'
  | 'server'
  | 'compare'
  | 'cmpNone'
  | 'cmpBeforeFork'
  | 'cmpCc'
  | 'cmpProfile'
  | 'cmpComputing'
  | 'cmpCut'
  | 'cmpNoDir'
  | 'cmpLabel'
  | 'follow'
  | 'followTitle'
  | 'fit'
  | 'fitTitle'
  | 'zoomIn'
  | 'zoomOut'
  | 'panHint'
  | 'lgData'
  | 'lgRtx'
  | 'lgLost'
  | 'lgDup'
  | 'lgAck'
  | 'lgWin'
  | 'lgSack'
  | 'lgCursor'
  | 'lgCompared'
  | 'lgCwnd'
  | 'lgSsthresh'
  | 'lgFlight'
  | 'lgSrtt'
  | 'lgRto'
  | 'lgQueue'
  | 'phSlowStart'
  | 'phAvoidance'
  | 'phFastRecovery'
  | 'phRtoRecovery'
  | 'phSsShort'
  | 'phCaShort'
  | 'phFrShort'
  | 'phRtoShort'
  | 'seqAxis'
  | 'ccAxis'
  | 'empty'
  | 'ccEmpty'
  | 'noQueue'
  | 'windowAbove'
  | 'seqPlot'
  | 'ccPlot'
  | 'markInfo'
  | 'markRtx'
  | 'markLost'
  | 'markDup'
  | 'noMark'
  | 'stAcked'
  | 'stInflight'
  | 'stUsable'
  | 'stBeyond'
  | 'stSacked'
  | 'stNumbers'
  | 'stCwndLimits'
  | 'stWndLimits'
  | 'stNoConn'
  | 'stAria';

export type GraphsKey = Key;

export const messages = {
  en: {
    title: 'Graphs',
    seqTitle: 'Time–sequence',
    ccTitle: 'Congestion',
    ccNow:
      'At the cursor: cwnd {cwnd} bytes ({segs} segments), ssthresh {ssthresh}, in flight {flight} bytes, SRTT {srtt}, RTO {rto} ms, {phase}',
    ccNowNone: 'At the cursor: no congestion state yet',
    stripTitle: 'Send window at the cursor',
    direction: 'Data sent by',
    dirOption: '{from} → {to} ({conn})',
    client: 'Client',
    server: 'Server',
    compare: 'Compare with',
    cmpNone: '(none)',
    cmpBeforeFork: 'the run before the fork',
    cmpCc: 'same run with cc={cc}',
    cmpProfile: 'same run with profile={profile}',
    cmpComputing: 'Running the other run…',
    cmpCut: 'The other run stopped at {n} segments.',
    cmpNoDir: 'The other run has no data from this connection.',
    cmpLabel: 'compared: {name}',
    follow: 'Follow',
    followTitle: 'Show the last seconds up to the cursor, and keep following it',
    fit: 'Whole run',
    fitTitle: 'Show the whole run',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    panHint: 'Drag to pan; Ctrl or ⌘ + wheel to zoom.',
    lgData: 'data segment',
    lgRtx: 'retransmission',
    lgLost: 'lost',
    lgDup: 'link duplicate',
    lgAck: 'ACK (cumulative)',
    lgWin: 'advertised window edge',
    lgSack: 'SACK block',
    lgCursor: 'cursor',
    lgCompared: 'compared run',
    lgCwnd: 'cwnd',
    lgSsthresh: 'ssthresh',
    lgFlight: 'bytes in flight',
    lgSrtt: 'SRTT (right axis)',
    lgRto: 'RTO (right axis)',
    lgQueue: 'link queue (bytes)',
    phSlowStart: 'slow start',
    phAvoidance: 'congestion avoidance',
    phFastRecovery: 'fast recovery',
    phRtoRecovery: 'RTO recovery',
    phSsShort: 'SS',
    phCaShort: 'CA',
    phFrShort: 'FR',
    phRtoShort: 'RTO',
    seqAxis: 'relative sequence number (bytes) over time',
    ccAxis: 'bytes (left) and milliseconds (right) over time',
    empty: 'No data sent yet. The graph shows the data a connection sends, once it sends some.',
    ccEmpty: 'No congestion samples for this sender yet.',
    noQueue: 'No queue: this direction of the link has no bottleneck rate.',
    windowAbove: 'window edge {b} above ↑',
    seqPlot:
      'Time–sequence graph of the data {dir} sends. Arrow keys move between segments; Enter selects one.',
    ccPlot: 'Congestion graph of {dir}: cwnd, ssthresh, bytes in flight, SRTT and RTO over time.',
    markInfo: 'Segment #{id}: seq {seq}–{end}, sent at {t} s',
    markRtx: ', retransmitted',
    markLost: ', lost',
    markDup: ', link duplicate',
    noMark: 'No segment here.',
    stAcked: 'acknowledged',
    stInflight: 'in flight',
    stUsable: 'usable',
    stBeyond: 'beyond the window',
    stSacked: 'SACKed',
    stNumbers:
      'una {una} · nxt {nxt} · window {wnd} = min(peer {peer}, cwnd {cwnd}) · usable {usable}',
    stCwndLimits: 'cwnd limits',
    stWndLimits: "the peer's window limits",
    stNoConn: 'No connection.',
    stAria:
      '{side}: {acked} bytes acknowledged, {inflight} in flight, {usable} usable, window {wnd}',
  },
  zh: {
    title: '图表',
    seqTitle: '时间–序号图',
    ccTitle: '拥塞',
    ccNow:
      '光标处：cwnd {cwnd} 字节（{segs} 个报文段），ssthresh {ssthresh}，在途 {flight} 字节，SRTT {srtt}，RTO {rto} 毫秒，{phase}',
    ccNowNone: '光标处：尚无拥塞状态',
    stripTitle: '游标时刻的发送窗口',
    direction: '发送数据的一方',
    dirOption: '{from} → {to}（{conn}）',
    client: '客户端',
    server: '服务器',
    compare: '对比',
    cmpNone: '（无）',
    cmpBeforeFork: '分叉之前的运行',
    cmpCc: '同一运行，cc={cc}',
    cmpProfile: '同一运行，profile={profile}',
    cmpComputing: '正在运行对比的那次……',
    cmpCut: '对比的运行在 {n} 个报文段处停止。',
    cmpNoDir: '对比的运行中没有这个连接的数据。',
    cmpLabel: '对比：{name}',
    follow: '跟随',
    followTitle: '显示游标之前最近几秒，并随游标移动',
    fit: '整个运行',
    fitTitle: '显示整个运行',
    zoomIn: '放大',
    zoomOut: '缩小',
    panHint: '拖动以平移；按住 Ctrl 或 ⌘ 滚动滚轮以缩放。',
    lgData: '数据段',
    lgRtx: '重传',
    lgLost: '丢失',
    lgDup: '链路复制的副本',
    lgAck: 'ACK（累计确认）',
    lgWin: '通告窗口右沿',
    lgSack: 'SACK 块',
    lgCursor: '游标',
    lgCompared: '对比的运行',
    lgCwnd: 'cwnd',
    lgSsthresh: 'ssthresh',
    lgFlight: '在途字节',
    lgSrtt: 'SRTT（右轴）',
    lgRto: 'RTO（右轴）',
    lgQueue: '链路队列（字节）',
    phSlowStart: '慢启动',
    phAvoidance: '拥塞避免',
    phFastRecovery: '快速恢复',
    phRtoRecovery: 'RTO 恢复',
    phSsShort: '慢启动',
    phCaShort: '拥塞避免',
    phFrShort: '快速恢复',
    phRtoShort: 'RTO 恢复',
    seqAxis: '相对序号（字节）随时间变化',
    ccAxis: '字节（左轴）与毫秒（右轴）随时间变化',
    empty: '还没有发送数据。连接发送数据之后，这里会画出它发送的数据。',
    ccEmpty: '这个发送方还没有拥塞采样。',
    noQueue: '没有队列：链路的这个方向没有设置瓶颈速率。',
    windowAbove: '窗口右沿在上方 {b} ↑',
    seqPlot: '{dir} 发送数据的时间–序号图。用方向键在报文段之间移动，按 Enter 选中。',
    ccPlot: '{dir} 的拥塞图：cwnd、ssthresh、在途字节、SRTT 和 RTO 随时间变化。',
    markInfo: '报文段 #{id}：序号 {seq}–{end}，于 {t} 秒发送',
    markRtx: '，重传',
    markLost: '，丢失',
    markDup: '，链路复制的副本',
    noMark: '这里没有报文段。',
    stAcked: '已确认',
    stInflight: '在途',
    stUsable: '可用',
    stBeyond: '窗口之外',
    stSacked: '已 SACK',
    stNumbers: 'una {una} · nxt {nxt} · 窗口 {wnd} = min(对端 {peer}, cwnd {cwnd}) · 可用 {usable}',
    stCwndLimits: 'cwnd 限制发送',
    stWndLimits: '对端窗口限制发送',
    stNoConn: '没有连接。',
    stAria: '{side}：已确认 {acked} 字节，在途 {inflight}，可用 {usable}，窗口 {wnd}',
  },
} satisfies Catalog<Key>;
