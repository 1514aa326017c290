/**
 * What each walkthrough step means, in a few sentences of English and
 * Simplified Chinese, with where the rule comes from (an RFC section, or the
 * Linux constant or function that decides it).
 *
 * State changes are keyed by (from state, to state, kind of cause) — see
 * `causeKind()` in steps.ts — with a few entries that match any `from`.
 * Drops, retransmissions, errors, end of stream and timers are keyed by their
 * kind (segment class, errno, timer name). Numbers (timeouts, retry limits)
 * come from the run's profile and from the trace itself. When nothing
 * matches, a fallback still states what the record says; it is flagged
 * `fallback` so tests can insist it is never needed for the shipped
 * scenarios.
 *
 * Pure: no DOM, no React. Everything returned is plain text (rendered as text
 * nodes only).
 */
import {
  LINUX,
  causeText,
  modelTimeout,
  type Profile,
  type Side,
  type StateName,
} from '../../core';
import type { Lang } from '../i18n';
import {
  causeKind,
  segmentClass,
  type CallStep,
  type CauseKind,
  type CcStep,
  type DropStep,
  type ResendKind,
  type RetransmitStep,
  type RtxCause,
  type SegmentClass,
  type StateStep,
  type Step,
  type TimerStep,
  type WindowStep,
} from './steps';

export interface Explanation {
  /** Which entry explained it ("state:ESTABLISHED>FIN_WAIT_1:close"), or "fallback:<kind>". */
  readonly key: string;
  /** A few sentences. */
  readonly text: string;
  /** Where the rules come from: "RFC 9293 §3.5", "Linux TCP_TIMEWAIT_LEN = 60 s". */
  readonly cites: readonly string[];
  /** No specific entry matched: the text only restates the record. */
  readonly fallback: boolean;
}

type Bi = { readonly en: string; readonly zh: string };
type Vars = Record<string, string | number>;

// ------------------------------------------------------------------ formatting

/** Fill `{name}` placeholders; unknown names stay as they are. */
export function fill(text: string, vars: Vars): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

const trim = (n: number, digits: number): string => String(Number(n.toFixed(digits)));

/** A duration or an instant for people: "50.02 ms", "1.05 s", "60 s" / "50.02 毫秒", "60 秒". */
export function fmtTime(ms: number, lang: Lang): string {
  const v = Math.max(0, ms);
  if (v < 1000) return lang === 'zh' ? `${trim(v, 2)} 毫秒` : `${trim(v, 2)} ms`;
  return lang === 'zh' ? `${trim(v / 1000, 3)} 秒` : `${trim(v / 1000, 3)} s`;
}

/** An instant of the run, always in seconds: "0 s", "1.05 s", "0.10005 s" / "0 秒". */
export function fmtInstant(ms: number, lang: Lang): string {
  const v = trim(Math.max(0, ms) / 1000, 5);
  return lang === 'zh' ? `${v} 秒` : `${v} s`;
}

const SIDE_WORD: Readonly<Record<Lang, Record<Side, string>>> = {
  en: { client: 'client', server: 'server' },
  zh: { client: '客户端', server: '服务器' },
};

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** How a segment is named in a sentence: "SYN", "data segment (5 bytes)" / "数据报文段（5 字节）". */
export function segmentLabel(seg: { flags: number; payload: Uint8Array }, lang: Lang): string {
  const c = segmentClass(seg);
  const n = seg.payload.length;
  switch (c) {
    case 'rst':
      return 'RST';
    case 'synack':
      return 'SYN,ACK';
    case 'syn':
      return 'SYN';
    case 'fin':
      return 'FIN';
    case 'ack':
      return 'ACK';
    case 'data':
      return lang === 'zh' ? `数据报文段（${n} 字节）` : `data segment (${n} bytes)`;
  }
}

interface Ctx {
  readonly lang: Lang;
  readonly profile: Profile;
}

function baseVars(side: Side, c: Ctx): Vars {
  const w = SIDE_WORD[c.lang];
  const peer = side === 'client' ? 'server' : 'client';
  const p = c.profile;
  const dur = (ms: number) => fmtTime(ms, c.lang);
  return {
    side: w[side],
    Side: cap(w[side]),
    peer: w[peer],
    Peer: cap(w[peer]),
    rtoInit: dur(p.rtoInitial),
    rtoMin: dur(p.rtoMin),
    rtoAfterSyn: dur(p.rtoAfterSynLoss),
    tw: dur(p.timeWait),
    fin: dur(p.tcp_fin_timeout),
    synRetries: p.tcp_syn_retries,
    synackRetries: p.tcp_synack_retries,
    linear: p.tcp_syn_linear_timeouts,
    retries2: p.tcp_retries2,
    synModel: dur(modelTimeout(p.tcp_syn_retries, p.rtoInitial, p.rtoMax)),
    dataModel: dur(modelTimeout(p.tcp_retries2, p.rtoMin, p.rtoMax)),
  };
}

// ------------------------------------------------------------------ citations

const R = {
  estab: 'RFC 9293 §3.5',
  close: 'RFC 9293 §3.6',
  halfClose: 'RFC 9293 §3.6.1',
  open: 'RFC 9293 §3.10.1 (OPEN)',
  sendCall: 'RFC 9293 §3.10.2 (SEND)',
  recvCall: 'RFC 9293 §3.10.3 (RECEIVE)',
  closeCall: 'RFC 9293 §3.10.4 (CLOSE)',
  abortCall: 'RFC 9293 §3.10.5 (ABORT)',
  arrClosed: 'RFC 9293 §3.10.7.1',
  arrListen: 'RFC 9293 §3.10.7.2',
  arrSynSent: 'RFC 9293 §3.10.7.3',
  arrOther: 'RFC 9293 §3.10.7.4',
  timeouts: 'RFC 9293 §3.10.8',
  seqSpace: 'RFC 9293 §3.4',
  resetGen: 'RFC 9293 §3.5.2',
  rtxTimeout: 'RFC 9293 §3.8.1',
  failures: 'RFC 9293 §3.8.3',
  zeroWindow: 'RFC 9293 §3.8.6.1',
  stateOverview: 'RFC 9293 §3.3.2',
  rto2: 'RFC 6298 §2',
  rtoInit: 'RFC 6298 §2.1',
  karn: 'RFC 6298 §3 (Karn)',
  rtoTimer: 'RFC 6298 §5',
  backoff: 'RFC 6298 §5.5',
  synRto: 'RFC 6298 §5.7',
  fastRtx: 'RFC 5681 §3.2',
  rack: 'RFC 8985 §6.2',
  sackLoss: 'RFC 6675 §4',
  prr: 'RFC 6937',
  newReno: 'RFC 6582 §3.2',
  lossWindow: 'RFC 5681 §3.1',
  rtoLost: 'RFC 6675 §5.1',
  sackRecovery: 'RFC 6675 §5',
  cubic: 'RFC 9438 §4',
  idle: 'RFC 5681 §4.1',
  rcvWindow: 'RFC 9293 §3.8.6.2.2',
  tlp: 'RFC 8985 §7',
  reoTimer: 'RFC 8985 §6.3',
  rstAttack: 'RFC 5961 §3.2',
  synAttack: 'RFC 5961 §4',
  unread: 'RFC 1122 §4.2.2.13',
  probe: 'RFC 1122 §4.2.2.17',
  rfc2525: 'RFC 2525 §2.17',
  rfc1337: 'RFC 1337',
  timewaitLen: 'Linux TCP_TIMEWAIT_LEN = 60 s',
  timeoutInit: 'Linux TCP_TIMEOUT_INIT = 1 s',
  rtoMinLinux: 'Linux TCP_RTO_MIN = 200 ms',
  synRetries: 'Linux tcp_syn_retries',
  synLinear: 'Linux tcp_syn_linear_timeouts',
  synackRetries: 'Linux tcp_synack_retries',
  retries2: 'Linux tcp_retries2',
  finTimeout: 'Linux tcp_fin_timeout',
  listenStop: 'Linux inet_csk_listen_stop()',
  tcpReset: 'Linux tcp_reset()',
  checkReq: 'Linux tcp_check_req()',
  validate: 'Linux tcp_validate_incoming()',
  bindConflict: 'Linux inet_csk_bind_conflict()',
  linger: 'Linux SO_LINGER, socket(7)',
  posixErrno: 'POSIX <errno.h>',
  enterLoss: 'Linux tcp_enter_loss()',
  cwndRestart: 'Linux tcp_cwnd_restart()',
  cleanupRbuf: 'Linux tcp_cleanup_rbuf()',
} as const;

// ------------------------------------------------------------------ state changes

interface StateEntry {
  readonly id: string;
  readonly from: readonly StateName[] | '*';
  readonly to: StateName;
  readonly causes: readonly CauseKind[];
  readonly when?: (s: StateStep, c: Ctx) => boolean;
  readonly text: Bi;
  readonly cites: readonly string[];
}

const CLOSE_CALLS: readonly CauseKind[] = ['close', 'shutdown'];
const ABORTS: readonly CauseKind[] = ['close', 'linger0', 'closeUnread', 'closeListener'];
const NOT_RST: readonly CauseKind[] = ['rcvAck', 'rcvFin'];

const RESET_TEXT: Bi = {
  en: 'A RST arrived carrying exactly the sequence number the {side} expected next (RCV.NXT), so it is accepted: the {peer} has aborted the connection. Everything still queued is thrown away, and the application’s next call fails with ECONNRESET. (A RST that merely falls inside the window draws a challenge ACK instead, so that a blind attacker cannot reset connections.)',
  zh: '收到一个 RST，它的序列号正好是{side}期待的下一个序列号（RCV.NXT），因此被接受：{peer}中止了连接。所有还在排队的数据都被丢弃，应用的下一次调用将以 ECONNRESET 失败。（如果 RST 只是落在窗口之内而不精确匹配，则只会换来一个挑战 ACK，这样盲目猜测的攻击者就无法复位连接。）',
};

const DATA_AFTER_CLOSE: Bi = {
  en: 'Data arrived after the application had closed its socket: nobody will ever read it. The {side} answers with a RST and deletes the connection at once, so that the {peer} learns its data was not received rather than believing it was.',
  zh: '应用已经关闭了套接字，之后却又有数据到达：这些数据再也不会有人读取。{side}回复 RST 并立即删除连接，让{peer}知道它的数据并没有被接收，而不是误以为已经送达。',
};

const STATE_ENTRIES: readonly StateEntry[] = [
  // ---- opening
  {
    id: 'CLOSED>LISTEN:listen',
    from: ['CLOSED'],
    to: 'LISTEN',
    causes: ['listen', 'synForListener'],
    text: {
      en: 'listen() makes the {side}’s socket a passive opener: it sends nothing and waits in LISTEN for a SYN. Each SYN that arrives gets a new connection of its own, while the listening socket goes on listening for more.',
      zh: 'listen() 把{side}的套接字变成被动打开：它什么也不发送，只在 LISTEN 状态等待 SYN。每到达一个 SYN，都会为它单独建立一个新连接，而监听套接字本身继续监听。',
    },
    cites: [R.open, R.estab],
  },
  {
    id: 'CLOSED>SYN_SENT:connect',
    from: ['CLOSED'],
    to: 'SYN_SENT',
    causes: ['connect'],
    text: {
      en: 'connect() is an active open. The {side} picks an initial sequence number (ISN), sends a SYN carrying it, and waits in SYN_SENT for the {peer}’s answer. connect() blocks meanwhile, and a retransmission timer starts at the initial RTO of {rtoInit} in case the SYN is lost.',
      zh: 'connect() 是主动打开。{side}选定一个初始序列号（ISN），发出携带它的 SYN，然后在 SYN_SENT 状态等待{peer}的回应。这期间 connect() 一直阻塞；同时重传计时器以 {rtoInit} 的初始 RTO 启动，以防 SYN 丢失。',
    },
    cites: [R.estab, R.open, R.rtoInit],
  },
  {
    id: 'LISTEN>SYN_RECEIVED:syn',
    from: ['LISTEN'],
    to: 'SYN_RECEIVED',
    causes: ['rcvSyn', 'synForListener'],
    text: {
      en: 'A SYN reached the listening port. The {side} creates a new connection for it, notes the {peer}’s ISN, and answers with a SYN,ACK: its own SYN and the acknowledgment of the {peer}’s, in one segment. This half-open connection waits in SYN_RECEIVED for the last ACK of the handshake.',
      zh: '一个 SYN 到达了监听端口。{side}为它新建一个连接，记下{peer}的 ISN，并回复 SYN,ACK——在同一个报文段里既发出自己的 SYN，又确认对方的 SYN。这个半连接在 SYN_RECEIVED 状态等待握手的最后一个 ACK。',
    },
    cites: [R.estab, R.arrListen],
  },
  {
    id: 'SYN_SENT>ESTABLISHED:synack',
    from: ['SYN_SENT'],
    to: 'ESTABLISHED',
    causes: ['rcvSynAck'],
    text: {
      en: 'The SYN,ACK arrived: it acknowledges the {side}’s SYN and carries the {peer}’s ISN. The {side} replies with an ACK — the third segment of the three-way handshake — and is ESTABLISHED. connect() returns 0 now, and data can flow.',
      zh: 'SYN,ACK 到了：它确认了{side}的 SYN，并带来了{peer}的 ISN。{side}回一个 ACK（三次握手的第三个报文段），进入 ESTABLISHED。connect() 此刻返回 0，可以开始传输数据了。',
    },
    cites: [R.estab, R.arrSynSent],
  },
  {
    id: 'SYN_RECEIVED>ESTABLISHED:ack',
    from: ['SYN_RECEIVED'],
    to: 'ESTABLISHED',
    causes: ['rcvAck'],
    text: {
      en: 'The ACK of the {side}’s SYN,ACK arrived — the third segment of the handshake. Both ends now know each other’s ISN, and the {side} is ESTABLISHED. If the connection came from a listening socket, accept() can now hand it to the application.',
      zh: '对{side}的 SYN,ACK 的确认到了，这是握手的第三个报文段。双方都已知道对方的 ISN，{side}进入 ESTABLISHED。如果这个连接来自监听套接字，accept() 现在就能把它交给应用。',
    },
    cites: [R.estab, R.arrOther],
  },
  {
    id: 'SYN_RECEIVED>ESTABLISHED:synack',
    from: ['SYN_RECEIVED'],
    to: 'ESTABLISHED',
    causes: ['rcvSynAck'],
    text: {
      en: 'A simultaneous open completes: the SYN,ACK from the {peer} acknowledges the {side}’s SYN, so both directions are synchronized. Linux accepts it here, and the {side} is ESTABLISHED.',
      zh: '同时打开到此完成：来自{peer}的 SYN,ACK 确认了{side}的 SYN，两个方向都已同步。Linux 在这里接受它，{side}进入 ESTABLISHED。',
    },
    cites: [R.estab, R.validate],
  },
  {
    id: 'SYN_SENT>SYN_RECEIVED:syn',
    from: ['SYN_SENT'],
    to: 'SYN_RECEIVED',
    causes: ['rcvSyn'],
    text: {
      en: 'Instead of a SYN,ACK, a bare SYN arrived: the {peer} was opening a connection to the {side} at the same moment (a simultaneous open). The {side} answers with a SYN,ACK and waits in SYN_RECEIVED; the handshake ends when each side’s SYN has been acknowledged.',
      zh: '来的不是 SYN,ACK，而是一个单独的 SYN：{peer}恰好在同一时刻也向{side}发起连接（同时打开）。{side}回复 SYN,ACK，转入 SYN_RECEIVED；等双方的 SYN 都得到确认，握手才算完成。',
    },
    cites: [R.estab, R.arrSynSent],
  },
  {
    id: 'SYN_SENT>CLOSE_WAIT:synackfin',
    from: ['SYN_SENT'],
    to: 'CLOSE_WAIT',
    causes: ['rcvSynAckFin'],
    text: {
      en: 'The SYN,ACK came with a FIN: the {peer} accepted the connection and closed its sending side in the same segment. The {side} acknowledges both, is synchronized, and has already seen the end of the {peer}’s stream — so it lands directly in CLOSE_WAIT.',
      zh: 'SYN,ACK 还带着 FIN：{peer}在同一个报文段里既接受了连接，又关闭了自己的发送方向。{side}一并确认，连接同步完成，而且已经收到对方数据流的结束标志，于是直接进入 CLOSE_WAIT。',
    },
    cites: [R.arrSynSent, R.close],
  },
  {
    id: 'SYN_SENT>CLOSED:rst',
    from: ['SYN_SENT'],
    to: 'CLOSED',
    causes: ['rcvRst'],
    text: {
      en: 'A reset answered the SYN: on the {peer}’s host no socket listens on that port, so the host itself replied with RST,ACK. The {side} gives up at once — TCP does not retry after a reset — and connect() fails with ECONNREFUSED.',
      zh: 'SYN 换来的是一个复位：{peer}主机上没有套接字在监听这个端口，于是由主机本身回了 RST,ACK。{side}立即放弃（收到复位后 TCP 不会重试），connect() 以 ECONNREFUSED 失败。',
    },
    cites: [R.arrClosed, R.arrSynSent],
  },
  {
    id: 'SYN_SENT>CLOSED:timeout:linux',
    from: ['SYN_SENT'],
    to: 'CLOSED',
    causes: ['timeoutRtx'],
    when: (_s, c) => c.profile.synGiveUpByTime,
    text: {
      en: 'The retransmission timer fired once more and still nothing came back: after {n} retransmissions since the first SYN at {first}, the {side} gives up, deletes the connection, and connect() fails with ETIMEDOUT. Linux stops at the first expiry at least {synModel} after the first SYN — the time tcp_syn_retries = {synRetries} retries would take if every wait doubled from {rtoInit}.',
      zh: '重传计时器又一次到期，仍然没有任何回应：自 {first} 发出第一个 SYN 以来已重传 {n} 次，{side}放弃，删除连接，connect() 以 ETIMEDOUT 失败。Linux 的规则是：距第一个 SYN 至少 {synModel} 之后的第一次到期就放弃——这正是 tcp_syn_retries = {synRetries} 次重试在每次等待都从 {rtoInit} 起翻倍时所需的总时长。',
    },
    cites: [R.synRetries, R.synLinear, R.failures],
  },
  {
    id: 'SYN_SENT>CLOSED:timeout',
    from: ['SYN_SENT'],
    to: 'CLOSED',
    causes: ['timeoutRtx'],
    text: {
      en: 'The retransmission timer fired once more and still nothing came back: since the first SYN at {first} it has been retransmitted {n} times, and the limit is tcp_syn_retries = {synRetries}. The {side} gives up, deletes the connection, and connect() fails with ETIMEDOUT.',
      zh: '重传计时器又一次到期，仍然没有任何回应：自 {first} 发出第一个 SYN 以来已重传 {n} 次，而上限是 tcp_syn_retries = {synRetries}。{side}放弃，删除连接，connect() 以 ETIMEDOUT 失败。',
    },
    cites: [R.synRetries, R.failures],
  },
  {
    id: 'SYN_SENT>CLOSED:close',
    from: ['SYN_SENT'],
    to: 'CLOSED',
    causes: ABORTS,
    text: {
      en: 'The application closed the socket while connect() was still waiting. A connection that is not yet synchronized has nothing to finish: the {side} simply forgets it and sends nothing.',
      zh: 'connect() 还在等待时，应用就关闭了套接字。尚未同步的连接没有什么需要收尾：{side}直接丢弃它，什么也不发送。',
    },
    cites: [R.closeCall, R.abortCall],
  },
  {
    id: 'SYN_RECEIVED>LISTEN:rst',
    from: ['SYN_RECEIVED'],
    to: 'LISTEN',
    causes: ['rcvRst'],
    text: {
      en: 'A RST arrived for this half-open connection (the SYN it came from may have been an old duplicate, or the {peer} gave up). A connection that began in LISTEN simply goes back there: the half-open connection is forgotten, the listening socket carries on, and the application is told nothing.',
      zh: '这个半连接收到了 RST（它所源自的 SYN 可能是一个过时的重复报文，也可能是{peer}放弃了）。从 LISTEN 开始的连接只是退回 LISTEN：半连接被丢弃，监听套接字照常工作，应用不会收到任何通知。',
    },
    cites: [R.estab, R.arrOther],
  },
  {
    id: 'SYN_RECEIVED>LISTEN:syn',
    from: ['SYN_RECEIVED'],
    to: 'LISTEN',
    causes: ['rcvSyn', 'rcvSynAck'],
    text: {
      en: 'A new SYN arrived inside the window of this half-open connection — not a copy of the SYN it came from. Since the connection began with a passive open, it is dropped and the {side} goes back to LISTEN, ready for a clean start.',
      zh: '这个半连接的窗口内到达了一个新的 SYN——并不是它最初那个 SYN 的副本。由于该连接源自被动打开，它被丢弃，{side}退回 LISTEN，以便重新开始。',
    },
    cites: [R.arrOther, R.synAttack],
  },
  {
    id: 'SYN_RECEIVED>CLOSED:rst',
    from: ['SYN_RECEIVED'],
    to: 'CLOSED',
    causes: ['rcvRst'],
    text: {
      en: 'A RST arrived at exactly the expected sequence number. This connection came from an active open (a simultaneous open), so the reset means refusal: the connection is deleted and the application sees ECONNREFUSED.',
      zh: '收到一个序列号恰好符合预期的 RST。这个连接源自主动打开（同时打开），因此复位意味着拒绝：连接被删除，应用得到 ECONNREFUSED。',
    },
    cites: [R.arrOther, R.rstAttack],
  },
  {
    id: 'SYN_RECEIVED>CLOSED:timeout',
    from: ['SYN_RECEIVED'],
    to: 'CLOSED',
    causes: ['timeoutRtx'],
    text: {
      en: 'The SYN,ACK was retransmitted {n} times and the handshake’s final ACK never came. After tcp_synack_retries = {synackRetries} retransmissions Linux gives up and drops the half-open connection; the listening socket never hears of it.',
      zh: 'SYN,ACK 已重传 {n} 次，握手的最后一个 ACK 始终没有到来。重传达到 tcp_synack_retries = {synackRetries} 次后，Linux 放弃并丢弃这个半连接；监听套接字对此毫不知情。',
    },
    cites: [R.synackRetries, R.failures],
  },
  {
    id: 'SYN_RECEIVED>CLOSE_WAIT:fin',
    from: ['SYN_RECEIVED'],
    to: 'CLOSE_WAIT',
    causes: ['rcvFin'],
    text: {
      en: 'The segment that completes the handshake also carries a FIN: the {peer} closed its sending side straight away. The {side} becomes ESTABLISHED and, because of the FIN, moves straight on to CLOSE_WAIT and acknowledges it; its application will read end-of-file.',
      zh: '完成握手的那个报文段同时带着 FIN：{peer}一连上就关闭了自己的发送方向。{side}先进入 ESTABLISHED，又因这个 FIN 随即转入 CLOSE_WAIT 并予以确认；它的应用将读到文件结束（EOF）。',
    },
    cites: [R.arrOther, R.close],
  },
  {
    id: 'SYN_RECEIVED>FIN_WAIT_1:close',
    from: ['SYN_RECEIVED'],
    to: 'FIN_WAIT_1',
    causes: CLOSE_CALLS,
    text: {
      en: 'The application closed the connection before the handshake was complete. With nothing left to send, the {side} sends a FIN right away and enters FIN_WAIT_1.',
      zh: '握手尚未完成，应用就关闭了连接。由于没有待发的数据，{side}立即发送 FIN，进入 FIN_WAIT_1。',
    },
    cites: [R.closeCall],
  },
  // ---- closing
  {
    id: 'ESTABLISHED>FIN_WAIT_1:close',
    from: ['ESTABLISHED'],
    to: 'FIN_WAIT_1',
    causes: ['close'],
    text: {
      en: 'close(): the application has nothing more to send. The {side} sends a FIN — it takes up one sequence number, so it must be acknowledged just like data — and waits in FIN_WAIT_1 for that ACK. Closing first makes the {side} the active closer, the end that will pass through TIME_WAIT.',
      zh: 'close()：应用不再发送数据。{side}发出 FIN——FIN 占用一个序列号，因此要像数据一样得到确认——并在 FIN_WAIT_1 等待这个 ACK。先关闭的一方是主动关闭方，之后要经过 TIME_WAIT 的正是它。',
    },
    cites: [R.close, R.closeCall],
  },
  {
    id: 'ESTABLISHED>FIN_WAIT_1:shutdown',
    from: ['ESTABLISHED'],
    to: 'FIN_WAIT_1',
    causes: ['shutdown'],
    text: {
      en: 'shutdown(SHUT_WR) closes only the sending direction: the {side} sends a FIN and waits in FIN_WAIT_1 for its ACK, but the socket stays open for reading, so whatever the {peer} still sends will be received. This is a half-close.',
      zh: 'shutdown(SHUT_WR) 只关闭发送方向：{side}发出 FIN，在 FIN_WAIT_1 等待它的 ACK，但套接字仍然可读，{peer}之后发来的数据照样能收到。这就是半关闭。',
    },
    cites: [R.halfClose, R.closeCall],
  },
  {
    id: 'ESTABLISHED>CLOSE_WAIT:fin',
    from: ['ESTABLISHED'],
    to: 'CLOSE_WAIT',
    causes: ['rcvFin'],
    text: {
      en: 'The {peer}’s FIN arrived: it will send nothing more. The {side} acknowledges it (at once, or a moment later as a delayed ACK) and enters CLOSE_WAIT. Once the data before the FIN has been read, recv() returns 0 — end of file — but the {side} may still send: the connection stays half-open until its application calls close() too.',
      zh: '{peer}的 FIN 到了：对方不会再发送数据。{side}确认这个 FIN（立即确认，或稍后以延迟 ACK 的方式确认），进入 CLOSE_WAIT。读完 FIN 之前的数据后，recv() 会返回 0（文件结束），但{side}仍然可以发送；在它的应用也调用 close() 之前，连接一直处于半关闭状态。',
    },
    cites: [R.close, R.arrOther],
  },
  {
    id: 'FIN_WAIT_1>FIN_WAIT_2:ack',
    from: ['FIN_WAIT_1'],
    to: 'FIN_WAIT_2',
    causes: ['rcvAck'],
    text: {
      en: 'The {peer} acknowledged the {side}’s FIN, so the {side}-to-{peer} direction is closed. The {side} now waits in FIN_WAIT_2 for the {peer}’s own FIN; until then the {peer} may go on sending data, which the {side} receives and acknowledges as usual. (If the application has already closed the socket, Linux waits here at most tcp_fin_timeout, {fin}.)',
      zh: '{peer}确认了{side}的 FIN，于是从{side}到{peer}这个方向已经关闭。{side}现在在 FIN_WAIT_2 等待{peer}自己的 FIN；在那之前{peer}仍可继续发送数据，{side}照常接收并确认。（如果应用已经关闭了套接字，Linux 在这里最多只等 tcp_fin_timeout，即 {fin}。）',
    },
    cites: [R.close, R.arrOther, R.finTimeout],
  },
  {
    id: 'FIN_WAIT_1>CLOSING:fin',
    from: ['FIN_WAIT_1'],
    to: 'CLOSING',
    causes: ['rcvFin'],
    text: {
      en: 'The {peer}’s FIN arrived before the ACK of the {side}’s own FIN: both ends closed at about the same time (a simultaneous close). The {side} acknowledges the FIN and waits in CLOSING for its own FIN to be acknowledged.',
      zh: '{peer}的 FIN 先于对{side}自己 FIN 的确认到达：两端几乎同时关闭（同时关闭）。{side}确认这个 FIN，然后在 CLOSING 等待自己的 FIN 得到确认。',
    },
    cites: [R.close, R.arrOther],
  },
  {
    id: 'FIN_WAIT_1>TIME_WAIT:finack',
    from: ['FIN_WAIT_1'],
    to: 'TIME_WAIT',
    causes: ['rcvFin'],
    text: {
      en: 'One segment did two jobs: it acknowledged the {side}’s FIN and carried the {peer}’s FIN. The {side} acknowledges it and goes straight to TIME_WAIT without stopping in FIN_WAIT_2. It will stay there {tw} (2×MSL; on Linux the fixed TCP_TIMEWAIT_LEN), in case this last ACK is lost and the FIN comes again.',
      zh: '一个报文段同时做了两件事：确认了{side}的 FIN，又带来了{peer}的 FIN。{side}回 ACK 后直接进入 TIME_WAIT，跳过了 FIN_WAIT_2。它将在那里停留 {tw}（即 2×MSL；Linux 固定为 TCP_TIMEWAIT_LEN），以防这最后一个 ACK 丢失、对方重发 FIN。',
    },
    cites: [R.arrOther, R.halfClose, R.timewaitLen],
  },
  {
    id: 'FIN_WAIT_2>TIME_WAIT:fin',
    from: ['FIN_WAIT_2'],
    to: 'TIME_WAIT',
    causes: ['rcvFin'],
    text: {
      en: 'The {peer}’s FIN arrived, so both directions are now closed. The {side} acknowledges it and enters TIME_WAIT for {tw}: long enough to acknowledge the FIN again if this ACK is lost, and for stray segments of this connection to die out before the same addresses and ports can be used again.',
      zh: '{peer}的 FIN 到了，两个方向都已关闭。{side}回 ACK 并进入 TIME_WAIT，停留 {tw}：万一这个 ACK 丢失，还来得及再次确认重发的 FIN；同时让这条连接残留在网络中的报文段全部消失，之后同样的地址和端口才能再次使用。',
    },
    cites: [R.halfClose, R.arrOther, R.timewaitLen],
  },
  {
    id: 'FIN_WAIT>CLOSED:data',
    from: ['FIN_WAIT_1', 'FIN_WAIT_2'],
    to: 'CLOSED',
    causes: NOT_RST,
    text: DATA_AFTER_CLOSE,
    cites: [R.unread, R.halfClose],
  },
  {
    id: 'FIN_WAIT_2>CLOSED:timeout',
    from: ['FIN_WAIT_2'],
    to: 'CLOSED',
    causes: ['timeoutFinWait2'],
    text: {
      en: 'The application had closed the socket, and the {peer}’s FIN never came. The RFC sets no limit on FIN_WAIT_2, but Linux gives such an orphaned connection tcp_fin_timeout ({fin}) and then deletes it, without a TIME_WAIT.',
      zh: '应用早已关闭了套接字，而{peer}的 FIN 始终没有到来。RFC 对 FIN_WAIT_2 没有规定时限，但 Linux 只给这种“孤儿”连接 tcp_fin_timeout（{fin}）的时间，到期即删除，也不经过 TIME_WAIT。',
    },
    cites: [R.finTimeout, R.close],
  },
  {
    id: 'CLOSE_WAIT>LAST_ACK:close',
    from: ['CLOSE_WAIT'],
    to: 'LAST_ACK',
    causes: CLOSE_CALLS,
    text: {
      en: 'The application has closed its side too. The {side} sends its own FIN and waits in LAST_ACK for the ACK of it. As the passive closer it will not go through TIME_WAIT: that ACK ends the connection.',
      zh: '应用也关闭了自己这一端。{side}发出自己的 FIN，在 LAST_ACK 等待对它的确认。作为被动关闭方，它不经过 TIME_WAIT：收到这个 ACK，连接就结束了。',
    },
    cites: [R.close, R.closeCall],
  },
  {
    id: 'CLOSING>TIME_WAIT:ack',
    from: ['CLOSING'],
    to: 'TIME_WAIT',
    causes: ['rcvAck'],
    text: {
      en: 'The ACK of the {side}’s FIN arrived: both FINs are now acknowledged. Like every active closer, the {side} enters TIME_WAIT for {tw}.',
      zh: '对{side}的 FIN 的确认到了：两个 FIN 都已得到确认。和所有主动关闭方一样，{side}进入 TIME_WAIT，停留 {tw}。',
    },
    cites: [R.close, R.arrOther, R.timewaitLen],
  },
  {
    id: 'LAST_ACK>CLOSED:ack',
    from: ['LAST_ACK'],
    to: 'CLOSED',
    causes: ['rcvAck'],
    text: {
      en: 'The ACK of the {side}’s FIN arrived: both directions are closed and acknowledged. The passive closer has nothing left to wait for, so the {side} deletes the connection right away — there is no TIME_WAIT on this side.',
      zh: '对{side}的 FIN 的确认到了：两个方向都已关闭并得到确认。被动关闭方没有什么可等的了，{side}立即删除连接——这一端没有 TIME_WAIT。',
    },
    cites: [R.close, R.arrOther],
  },
  {
    id: 'TIME_WAIT>CLOSED:timeout',
    from: ['TIME_WAIT'],
    to: 'CLOSED',
    causes: ['timeoutTimeWait'],
    text: {
      en: 'TIME_WAIT is over: the timer set on entering it has fired, {waited} later. The connection is deleted, and its pair of addresses and ports may be used again.',
      zh: 'TIME_WAIT 结束：进入该状态时设置的计时器在 {waited} 后到期。连接被删除，这一组地址和端口可以再次使用了。',
    },
    cites: [R.halfClose, R.timeouts, R.timewaitLen],
  },
  {
    id: 'TIME_WAIT>CLOSED:rst',
    from: ['TIME_WAIT'],
    to: 'CLOSED',
    causes: ['rcvRst'],
    text: {
      en: 'A RST ended TIME_WAIT early. RFC 1337 calls this “TIME-WAIT assassination” and suggests ignoring resets in TIME_WAIT; Linux, by default (tcp_rfc1337 = 0), accepts them and deletes the connection.',
      zh: '一个 RST 提前结束了 TIME_WAIT。RFC 1337 把这称为“TIME-WAIT 暗杀”，并建议在 TIME_WAIT 中忽略复位；Linux 默认（tcp_rfc1337 = 0）会接受它并删除连接。',
    },
    cites: [R.rfc1337, R.arrOther],
  },
  {
    id: 'LISTEN>CLOSED:close',
    from: ['LISTEN'],
    to: 'CLOSED',
    causes: ABORTS,
    text: {
      en: 'close() on the listening socket: it stops listening. Nothing is sent for the listener itself, but Linux resets every connection still waiting to be accepted, and from now on a SYN to this port is answered with a RST.',
      zh: '对监听套接字调用 close()：它停止监听。监听套接字本身不发送任何东西，但 Linux 会复位所有还在等待 accept() 的连接；此后发往该端口的 SYN 都会得到 RST。',
    },
    cites: [R.closeCall, R.listenStop],
  },
  // ---- resets, aborts and give-ups from any synchronized state
  {
    id: 'CLOSE_WAIT>CLOSED:rst',
    from: ['CLOSE_WAIT'],
    to: 'CLOSED',
    causes: ['rcvRst'],
    text: {
      en: 'A RST arrived while the {side} was in CLOSE_WAIT: the {peer}, which had already sent its FIN, has now aborted. The connection is deleted; Linux reports the reset as EPIPE to the next send().',
      zh: '{side}处于 CLOSE_WAIT 时收到了 RST：已经发过 FIN 的{peer}现在中止了连接。连接被删除；Linux 会在下一次 send() 时以 EPIPE 报告这次复位。',
    },
    cites: [R.arrOther, R.tcpReset],
  },
  {
    id: 'SYNCED>CLOSED:rst',
    from: ['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2'],
    to: 'CLOSED',
    causes: ['rcvRst'],
    text: RESET_TEXT,
    cites: [R.arrOther, R.rstAttack],
  },
  {
    id: 'CLOSING>CLOSED:rst',
    from: ['CLOSING', 'LAST_ACK'],
    to: 'CLOSED',
    causes: ['rcvRst'],
    text: {
      en: 'A RST arrived for a connection that was already closing: both sides had sent their FIN. The connection is simply deleted; no error is reported, since the application is done with it.',
      zh: '一个正在关闭的连接收到了 RST：双方都已发出各自的 FIN。连接被直接删除；由于应用已经用完了它，不会报告任何错误。',
    },
    cites: [R.arrOther],
  },
  {
    id: '*>CLOSED:linger0',
    from: '*',
    to: 'CLOSED',
    causes: ['linger0'],
    text: {
      en: 'close() with SO_LINGER set to l_onoff = 1, l_linger = 0 aborts instead of closing: the {side} sends a RST rather than a FIN and deletes the connection at once. Unsent data is discarded, the {peer} sees a reset, and there is no TIME_WAIT.',
      zh: '设置了 SO_LINGER（l_onoff = 1，l_linger = 0）的 close() 不是正常关闭，而是中止：{side}发送 RST 而不是 FIN，并立即删除连接。未发送的数据被丢弃，{peer}看到的是复位，而且不会进入 TIME_WAIT。',
    },
    cites: [R.abortCall, R.linger],
  },
  {
    id: '*>CLOSED:unread',
    from: '*',
    to: 'CLOSED',
    causes: ['closeUnread'],
    text: {
      en: 'close() while received data was still unread: the application threw away bytes the {peer} believes were delivered. To say so, the {side} sends a RST instead of a FIN and deletes the connection, so the {peer} learns that data was lost.',
      zh: 'close() 时还有已收到却未读取的数据：应用丢掉了{peer}以为已经送达的字节。为了表明这一点，{side}发送 RST 而不是 FIN，并删除连接，让{peer}知道有数据丢失了。',
    },
    cites: [R.unread, R.halfClose, R.rfc2525],
  },
  {
    id: '*>CLOSED:listener',
    from: '*',
    to: 'CLOSED',
    causes: ['closeListener'],
    text: {
      en: 'The listening socket was closed while this connection was still waiting for accept(). Nobody will ever take it, so Linux resets it: the {side} sends a RST to the {peer} and deletes the connection.',
      zh: '这个连接还在等待 accept() 时，监听套接字就被关闭了。再也不会有人取走它，于是 Linux 将其复位：{side}向{peer}发送 RST 并删除连接。',
    },
    cites: [R.listenStop, R.abortCall],
  },
  {
    id: '*>CLOSED:timeout:linux',
    from: '*',
    to: 'CLOSED',
    causes: ['timeoutRtx'],
    when: (_s, c) => c.profile.name === 'linux',
    text: {
      en: 'The retransmission timer expired once too often: after {n} retransmissions the data still was not acknowledged. The {side} concludes the {peer} is unreachable, deletes the connection, and the application sees ETIMEDOUT. Linux decides by time: it gives up after {dataModel}, what tcp_retries2 = {retries2} retries would take with the wait doubling from TCP_RTO_MIN ({rtoMin}).',
      zh: '重传计时器到期的次数太多了：重传 {n} 次之后，数据仍未得到确认。{side}断定{peer}已无法到达，删除连接，应用得到 ETIMEDOUT。Linux 按时间判断：经过 {dataModel} 就放弃，这是 tcp_retries2 = {retries2} 次重试在等待时间从 TCP_RTO_MIN（{rtoMin}）起逐次翻倍时所需的总时长。',
    },
    cites: [R.failures, R.retries2],
  },
  {
    id: '*>CLOSED:timeout',
    from: '*',
    to: 'CLOSED',
    causes: ['timeoutRtx'],
    text: {
      en: 'The retransmission timer expired once too often: after {n} retransmissions the data still was not acknowledged. The {side} concludes the {peer} is unreachable, deletes the connection, and the application sees ETIMEDOUT.',
      zh: '重传计时器到期的次数太多了：重传 {n} 次之后，数据仍未得到确认。{side}断定{peer}已无法到达，删除连接，应用得到 ETIMEDOUT。',
    },
    cites: [R.failures, R.retries2],
  },
];

function stateVars(s: StateStep, c: Ctx): Vars {
  const r = s.state;
  return {
    ...baseVars(r.side, c),
    from: r.from,
    to: r.to,
    cause: causeText(r.cause),
    n: s.retransmissions,
    first: fmtInstant(s.firstSentAt ?? 0, c.lang),
    waited: fmtTime(s.armedAt === null ? c.profile.timeWait : r.t - s.armedAt, c.lang),
  };
}

function explainState(s: StateStep, c: Ctx): Explanation {
  const r = s.state;
  const kind = causeKind(r.cause);
  const e = STATE_ENTRIES.find(
    (x) =>
      x.to === r.to &&
      (x.from === '*' || x.from.includes(r.from)) &&
      x.causes.includes(kind) &&
      (x.when?.(s, c) ?? true),
  );
  const vars = stateVars(s, c);
  if (e)
    return {
      key: `state:${e.id}`,
      text: fill(e.text[c.lang], vars),
      cites: e.cites,
      fallback: false,
    };
  return {
    key: 'fallback:state',
    text: fill(
      c.lang === 'zh'
        ? '{side}从 {from} 变为 {to}（{cause}）。'
        : 'The {side} went from {from} to {to} ({cause}).',
      vars,
    ),
    cites: [R.stateOverview],
    fallback: true,
  };
}

// ------------------------------------------------------------------ drops

const DROP_REASON: Readonly<Record<string, Bi>> = {
  'send:loss': {
    en: 'The link lost the {side}’s {seg} as it was sent: this direction of the link is set to lose segments.',
    zh: '{side}发出的{seg}在链路上丢失了：这个方向的链路设置了丢包。',
  },
  'send:rule': {
    en: 'A “drop next” rule on the link threw away the {side}’s {seg} as it was sent.',
    zh: '链路上的“丢弃下一个”规则在{side}发出{seg}时把它丢掉了。',
  },
  'send:user': {
    en: 'The {side}’s {seg} was dropped by hand as it was sent.',
    zh: '{side}发出的{seg}在发送时被手动丢弃了。',
  },
  'send:queue': {
    en: 'The queue at this direction’s bottleneck was full when the {side}’s {seg} reached it, so the link threw it away (drop-tail): the {side} is sending faster than the bottleneck’s rate.',
    zh: '{side}的{seg}到达这个方向的瓶颈时，队列已满，链路把它丢弃了（尾部丢弃）：{side}发送得比瓶颈速率更快。',
  },
  'flight:user': {
    en: 'You dropped the {side}’s {seg} while it was crossing the link.',
    zh: '你在{side}的{seg}穿越链路途中把它丢弃了。',
  },
  'flight:loss': {
    en: 'The link lost the {side}’s {seg} while it was in flight.',
    zh: '{side}的{seg}在传输途中被链路丢失了。',
  },
  'flight:rule': {
    en: 'A rule on the link dropped the {side}’s {seg} while it was in flight.',
    zh: '链路上的规则在{side}的{seg}传输途中把它丢弃了。',
  },
};

const DROP_EFFECT: Readonly<Record<SegmentClass, { text: Bi; cites: readonly string[] }>> = {
  syn: {
    text: {
      en: 'The {peer} never sees it, and the {side} cannot tell: a lost segment produces no error. Only the {side}’s retransmission timer{due} will notice that no SYN,ACK came, and send the SYN again.',
      zh: '{peer}永远收不到它，{side}也无从知晓：报文丢失不会产生任何错误。只有{side}的重传计时器{due}会发现迟迟没有 SYN,ACK，并重发 SYN。',
    },
    cites: [R.rtxTimeout, R.rtoInit],
  },
  synack: {
    text: {
      en: 'The {peer} never sees it and keeps waiting in SYN_SENT, while the {side} waits for an ACK that cannot come. The {side}’s retransmission timer{due} will send the SYN,ACK again — unless the {peer}’s own timer resends its SYN first, which draws a fresh SYN,ACK.',
      zh: '{peer}永远收不到它，继续在 SYN_SENT 等待，而{side}则在等一个不可能到来的 ACK。{side}的重传计时器{due}会重发 SYN,ACK——除非{peer}自己的计时器先到期并重发 SYN，从而换来一个新的 SYN,ACK。',
    },
    cites: [R.rtxTimeout, R.rtoTimer],
  },
  data: {
    text: {
      en: 'The {peer} never receives these bytes, so it will not acknowledge them, and the {side} cannot tell that anything went wrong. Its retransmission timer{due} will notice the missing acknowledgment and send the data again.',
      zh: '{peer}收不到这些字节，也就不会确认它们，而{side}也无从知道出了问题。它的重传计时器{due}会发现迟迟没有确认，并重发这些数据。',
    },
    cites: [R.rtxTimeout, R.rtoTimer],
  },
  fin: {
    text: {
      en: 'A FIN takes up a sequence number, so it must be acknowledged like data. No ACK will come for this one; the {side}’s retransmission timer{due} will send the FIN again.',
      zh: 'FIN 占用一个序列号，所以它和数据一样需要确认。这个 FIN 不会有 ACK 了；{side}的重传计时器{due}会重发它。',
    },
    cites: [R.seqSpace, R.rtxTimeout],
  },
  ack: {
    text: {
      en: 'A bare ACK takes up no sequence space, so nobody acknowledges it and nobody retransmits it. Usually nothing breaks: a later ACK covers the same bytes, or the {peer} retransmits what it believes was lost.',
      zh: '单纯的 ACK 不占用序列号空间，既不会被确认，也不会被重传。通常不会出问题：后续的 ACK 会覆盖同样的字节，或者{peer}会重传它认为丢失的内容。',
    },
    cites: [R.seqSpace, R.rtxTimeout],
  },
  rst: {
    text: {
      en: 'A RST is never acknowledged or retransmitted. The {peer} keeps its connection until it next sends something there, which will draw a fresh RST.',
      zh: 'RST 既不会被确认，也不会被重传。{peer}会一直保留这个连接，直到它下次再发送报文，引来一个新的 RST。',
    },
    cites: [R.resetGen],
  },
};

/** "at 0.51224 s" / "在 0.51224 秒". */
function atText(t: number, c: Ctx): string {
  const at = fmtInstant(t, c.lang);
  return c.lang === 'zh' ? `在 ${at}` : `at ${at}`;
}

function dueText(deadline: number | null, c: Ctx): string {
  if (deadline === null) return '';
  const at = fmtInstant(deadline, c.lang);
  return c.lang === 'zh' ? `（将在 ${at} 到期）` : ` (due at ${at})`;
}

/**
 * What becomes of lost data that something other than its own timer resends:
 * the segments after it reveal the hole (duplicate ACKs, SACK blocks), or the
 * timeout of another segment comes first. Keyed by how it went again, and the
 * profile where that differs.
 */
const DROP_RESENT: Readonly<Record<string, { text: Bi; cites: readonly string[] }>> = {
  dupacks: {
    text: {
      en: 'The {peer} never receives these bytes, but the segments sent after them still arrive, and each one makes the {peer} acknowledge the same byte again. At the third such duplicate ACK the {side} will resend this segment ({at}), without waiting for its retransmission timer.',
      zh: '{peer}收不到这些字节，但之后发出的报文段照样到达，每到一个，{peer}就再确认一次同一个字节。收到第三个这样的重复 ACK 时，{side}就会重发这个报文段（{at}），而不必等重传计时器到期。',
    },
    cites: [R.fastRtx],
  },
  'sack:linux': {
    text: {
      en: 'The {peer} never receives these bytes, but the segments sent after them still arrive, and its ACKs will list them in SACK blocks, leaving a hole where this one belongs. From that, RACK will deem it lost and the {side} will resend it ({at}), without waiting for its retransmission timer.',
      zh: '{peer}收不到这些字节，但之后发出的报文段照样到达，它的 ACK 会在 SACK 块中列出它们，唯独在这个报文段的位置留下一个空洞。据此，RACK 会判定它已丢失，{side}会重发它（{at}），而不必等重传计时器到期。',
    },
    cites: [R.rack],
  },
  'sack:rfc': {
    text: {
      en: 'The {peer} never receives these bytes, but the segments sent after them still arrive, and its ACKs will list them in SACK blocks, leaving a hole where this one belongs. Once three segments above the hole are SACKed, RFC 6675 deems it lost and the {side} will resend it ({at}), without waiting for its retransmission timer.',
      zh: '{peer}收不到这些字节，但之后发出的报文段照样到达，它的 ACK 会在 SACK 块中列出它们，唯独在这个报文段的位置留下一个空洞。空洞之上有三个报文段被 SACK 之后，RFC 6675 就判定它已丢失，{side}会重发它（{at}），而不必等重传计时器到期。',
    },
    cites: [R.sackLoss],
  },
  'recovery:linux': {
    text: {
      en: 'The {peer} never receives these bytes. Another lost segment starts a fast recovery first; in it, the SACK blocks show this hole too, RACK deems it lost, and the {side} resends it ({at}) without waiting for its retransmission timer.',
      zh: '{peer}收不到这些字节。另一个丢失的报文段先引发了快速恢复；在这次恢复中，SACK 块也显示出这个空洞，RACK 判定它已丢失，{side}会重发它（{at}），而不必等重传计时器到期。',
    },
    cites: [R.rack, R.prr],
  },
  'recovery:rfc': {
    text: {
      en: 'The {peer} never receives these bytes. Another lost segment starts a fast recovery first; in it, the ACKs show this hole too, and the {side} resends it ({at}) without waiting for its retransmission timer.',
      zh: '{peer}收不到这些字节。另一个丢失的报文段先引发了快速恢复；在这次恢复中，ACK 也显示出这个空洞，{side}会重发它（{at}），而不必等重传计时器到期。',
    },
    cites: [R.newReno, R.sackLoss],
  },
  'after-timeout': {
    text: {
      en: 'The {peer} never receives these bytes, and no ACK reveals the loss in time: a retransmission timeout comes first, and this segment goes again ({at}) in the slow start that follows it.',
      zh: '{peer}收不到这些字节，而且没有 ACK 能及时揭示这次丢失：重传超时先到，这个报文段将在超时之后的慢启动中重发（{at}）。',
    },
    cites: [R.rtoTimer, R.lossWindow],
  },
};

function resentKey(by: ResendKind, c: Ctx): string | null {
  if (by === 'timer' || by === 'repeat') return null;
  if (by === 'sack' || by === 'recovery')
    return `${by}:${c.profile.name === 'linux' ? 'linux' : 'rfc'}`;
  return by;
}

function explainDrop(s: DropStep, c: Ctx): Explanation {
  const cls = segmentClass(s.segment.seg);
  const reasonKey = `${s.inFlight ? 'flight' : 'send'}:${s.reason}`;
  const reason = DROP_REASON[reasonKey];
  const rk = cls === 'data' && s.resent ? resentKey(s.resent.by, c) : null;
  const effect = (rk !== null ? DROP_RESENT[rk] : undefined) ?? DROP_EFFECT[cls];
  const vars = {
    ...baseVars(s.side, c),
    seg: segmentLabel(s.segment.seg, c.lang),
    due: dueText(s.rtxDeadline, c),
    at: s.resent ? atText(s.resent.t, c) : '',
  };
  if (!reason)
    return {
      key: 'fallback:drop',
      text: fill(
        c.lang === 'zh'
          ? '{side}的{seg}被丢弃了（{reason}）。'
          : 'The {side}’s {seg} was dropped ({reason}).',
        { ...vars, reason: s.reason },
      ),
      cites: [R.rtxTimeout],
      fallback: true,
    };
  const cites =
    rk === 'recovery:rfc'
      ? c.profile.sack
        ? [R.sackLoss, R.sackRecovery]
        : [R.newReno]
      : effect.cites;
  return {
    key: `drop:${reasonKey}:${cls}${rk !== null ? `:${rk}` : ''}`,
    text: `${fill(reason[c.lang], vars)}${c.lang === 'zh' ? '' : ' '}${fill(effect.text[c.lang], vars)}`,
    cites,
    fallback: false,
  };
}

// ------------------------------------------------------------------ retransmissions

const RTX_HEAD: Readonly<Record<string, Bi>> = {
  'timer:syn': {
    en: 'The {side}’s retransmission timer fired: no SYN,ACK came back within {gap}, so it sends the SYN again (retransmission {n}).',
    zh: '{side}的重传计时器到期：{gap}内没有等到 SYN,ACK，于是重发 SYN（第 {n} 次重传）。',
  },
  'timer:synack': {
    en: 'The {side}’s retransmission timer fired: the handshake’s final ACK did not arrive within {gap}, so it sends the SYN,ACK again (retransmission {n}).',
    zh: '{side}的重传计时器到期：{gap}内没有等到握手的最后一个 ACK，于是重发 SYN,ACK（第 {n} 次重传）。',
  },
  'timer:fin': {
    en: 'The {side}’s retransmission timer fired: its FIN was not acknowledged within {gap}, so it sends the FIN again (retransmission {n}).',
    zh: '{side}的重传计时器到期：它的 FIN 在 {gap}内没有得到确认，于是重发 FIN（第 {n} 次重传）。',
  },
  'timer:data': {
    en: 'The {side}’s retransmission timer fired: the oldest unacknowledged data was not acknowledged within {gap}, so it sends that segment again, starting at SND.UNA (retransmission {n}).',
    zh: '{side}的重传计时器到期：最早一段未确认的数据在 {gap}内没有得到确认，于是从 SND.UNA 开始重发这一段（第 {n} 次重传）。',
  },
  'repeat:synack': {
    en: 'A second copy of the {peer}’s SYN arrived while the {side} was in SYN_RECEIVED: its SYN,ACK must have been lost or delayed. Linux answers a repeated SYN by sending the SYN,ACK again at once.',
    zh: '{side}处于 SYN_RECEIVED 时，又收到了{peer}的同一个 SYN：看来它的 SYN,ACK 丢失或延误了。Linux 对重复的 SYN 的回应是立即再发一次 SYN,ACK。',
  },
  'fast:data': {
    en: 'Three duplicate ACKs arrived: the {peer} keeps acknowledging the same byte, which means later segments got through but one is missing. The {side} resends the missing segment at once instead of waiting for its timer — a fast retransmit.',
    zh: '连续收到三个重复 ACK：{peer}一直在确认同一个字节，说明后面的报文段已经到达，唯独缺了一个。{side}不等计时器到期，立即重发缺失的报文段——这就是快速重传。',
  },
  'fast:fin': {
    en: 'Three duplicate ACKs arrived: the {peer} keeps acknowledging the same byte. The {side} resends the segment it is missing at once instead of waiting for its timer — a fast retransmit.',
    zh: '连续收到三个重复 ACK：{peer}一直在确认同一个字节。{side}不等计时器到期，立即重发对方缺失的报文段——这就是快速重传。',
  },
  'rack:data': {
    en: 'An ACK came back with a SACK block: the {peer} holds data sent after this segment, but not this one. Linux’s RACK deems a segment lost once a segment sent after it has arrived and more than a round trip has passed since it left, so the {side} resends it at once, without waiting for three duplicate ACKs, and enters fast recovery: ssthresh drops and PRR paces what goes out while the holes are filled.',
    zh: '返回的 ACK 带有 SACK 块：{peer}已经收到了在这个报文段之后发出的数据，唯独没有它。Linux 的 RACK 规定：只要比它晚发出的报文段已经到达，且它发出后已经过了一个往返时间以上，它就算丢失了。于是{side}不等三个重复 ACK，立即重发它，并进入快速恢复：ssthresh 下调，PRR 控制在补洞期间发送的节奏。',
  },
  'rack:fin': {
    en: 'An ACK came back with a SACK block: the {peer} holds what was sent after this segment, but not this one. Linux’s RACK deems it lost and the {side} resends it at once, entering fast recovery.',
    zh: '返回的 ACK 带有 SACK 块：{peer}收到了之后发出的内容，唯独没有这个报文段。Linux 的 RACK 判定它已丢失，{side}立即重发并进入快速恢复。',
  },
  'sack:data': {
    en: 'The SACK blocks in the ACKs show three segments above this one arrived while it did not: by RFC 6675 it is lost. The {side} resends it at once and enters fast recovery, with cwnd set to ssthresh, {cut}.',
    zh: 'ACK 中的 SACK 块表明，在它之后已有三个报文段到达，而它没有：按 RFC 6675，它已丢失。{side}立即重发，并进入快速恢复，cwnd 设为 ssthresh，即{cut}。',
  },
  'sack:fin': {
    en: 'The SACK blocks show the {peer} has what came after this segment but not the segment itself: the {side} resends it at once and enters fast recovery.',
    zh: 'SACK 块表明{peer}收到了后面的内容，却没有收到这个报文段：{side}立即重发，并进入快速恢复。',
  },
  'recovery:data': {
    en: 'Still in fast recovery: the ACKs show another segment missing (a partial ACK, or SACK blocks beyond another hole), and the {side} resends it as soon as the congestion window lets it.',
    zh: '仍处于快速恢复中：ACK 表明还缺另一个报文段（部分确认，或 SACK 块越过了另一个空洞），拥塞窗口一允许，{side}就重发它。',
  },
  'recovery:fin': {
    en: 'Still in fast recovery: the {peer} is missing this segment as well, and the {side} resends it as the congestion window allows.',
    zh: '仍处于快速恢复中：{peer}也缺这个报文段，拥塞窗口允许时{side}就重发它。',
  },
  'tlp:data': {
    en: 'The {side}’s loss probe timer fired: nothing came back for the last data it sent, and nothing sent after it could draw a duplicate ACK. Instead of waiting for the retransmission timeout, Linux sends a tail loss probe (TLP): here the last segment again, so that an ACK — with a SACK block, if only the tail was lost — starts recovery. A probe does not back the timer off or shrink the window; if it goes unanswered, the retransmission timeout follows one RTO later.',
    zh: '{side}的丢失探测计时器到期：它最后发出的数据一直没有回音，而且之后没有再发任何东西，不会引来重复 ACK。Linux 不等重传超时，而是发一个尾部丢失探测（TLP）：这里是把最后一个报文段再发一次，好让对方回一个 ACK——若只是尾部丢了，ACK 会带上 SACK 块——从而开始恢复。探测不会让计时器退避，也不缩小窗口；如果探测也没有回应，重传超时会在一个 RTO 之后到来。',
  },
  'tlp:fin': {
    en: 'The {side}’s loss probe timer fired: its FIN, the last thing it sent, has not been acknowledged. Linux probes the tail by sending it again (TLP), without backing the timer off; the retransmission timeout follows one RTO later if this goes unanswered too.',
    zh: '{side}的丢失探测计时器到期：它最后发出的 FIN 还没有得到确认。Linux 把它再发一次来探测尾部（TLP），计时器不退避；如果仍无回应，重传超时会在一个 RTO 之后到来。',
  },
  'reo:data': {
    en: 'RACK’s reordering timer fired: a segment sent after this one had been delivered, but this one might only have been overtaken, so RACK waited a little longer than a round trip. It still has not arrived: it is lost, and the {side} resends it and enters fast recovery.',
    zh: 'RACK 的乱序计时器到期：比它晚发的报文段已经送达，但它也许只是被超越了，所以 RACK 多等了比一个往返时间稍长的一段时间。它仍然没有到达：判定为丢失，{side}重发它并进入快速恢复。',
  },
  'reo:fin': {
    en: 'RACK’s reordering timer fired: the FIN was sent before data that has since been delivered, and has not arrived in the extra time RACK allows for reordering. The {side} resends it.',
    zh: 'RACK 的乱序计时器到期：FIN 比之后已送达的数据发得早，在 RACK 为乱序多留的时间里仍未到达。{side}重发它。',
  },
  'slowstart:data': {
    en: 'Since the retransmission timeout, everything unacknowledged counts as lost and the congestion window started again from one segment. Each ACK opens it further (slow start, up to ssthresh), and the {side} resends the next segment the {peer} has not acknowledged or SACKed.',
    zh: '自从重传超时以来，所有未确认的数据都算作丢失，拥塞窗口从一个报文段重新开始。每个 ACK 都让它继续增大（慢启动，直到 ssthresh），{side}随之重发下一个{peer}既未确认也未 SACK 的报文段。',
  },
  'slowstart:fin': {
    en: 'After the retransmission timeout the window restarted from one segment; as ACKs open it, the {side} resends what the {peer} still lacks, this segment included.',
    zh: '重传超时之后，窗口从一个报文段重新开始；随着 ACK 让窗口增大，{side}重发{peer}仍缺的内容，包括这个报文段。',
  },
};

const RTX_HEAD_CITES: Readonly<Record<string, readonly string[]>> = {
  'timer:syn': [R.rtoTimer, R.rtxTimeout],
  'timer:synack': [R.rtoTimer, R.rtxTimeout],
  'timer:fin': [R.rtoTimer, R.rtxTimeout],
  'timer:data': [R.rtoTimer, R.rtxTimeout],
  'repeat:synack': [R.checkReq],
  'fast:data': [R.fastRtx],
  'fast:fin': [R.fastRtx],
  'rack:data': [R.rack, R.prr],
  'rack:fin': [R.rack],
  'sack:data': [R.sackLoss],
  'sack:fin': [R.sackLoss],
  'recovery:data': [R.newReno, R.sackLoss, R.prr],
  'recovery:fin': [R.newReno, R.sackLoss],
  'slowstart:data': [R.lossWindow, R.rtoLost],
  'tlp:data': [R.tlp],
  'tlp:fin': [R.tlp],
  'reo:data': [R.reoTimer, R.rack],
  'reo:fin': [R.reoTimer],
  'slowstart:fin': [R.lossWindow, R.rtoLost],
};

/** The explanation a retransmission that no timer of its own sent gets, by its cause. */
const RTX_MODE: Readonly<Record<RtxCause, { linux: string; rfc: string }>> = {
  dupacks: { linux: 'fast', rfc: 'fast' },
  sack: { linux: 'rack', rfc: 'sack' },
  recovery: { linux: 'recovery', rfc: 'recovery' },
  'after-timeout': { linux: 'slowstart', rfc: 'slowstart' },
};

const GAP: Readonly<Record<string, { text: Bi; cites: readonly string[] }>> = {
  'after-probe': {
    text: {
      en: 'The copy before was a loss probe, which left the timer as it was: this timeout came one RTO ({gap}) after the probe, not twice that. From here on each timeout doubles the RTO.',
      zh: '上一份副本是丢失探测，它没有让计时器退避：这次超时发生在探测之后一个 RTO（{gap}），而不是两倍。从这里开始，每次超时都会让 RTO 加倍。',
    },
    cites: [R.tlp, R.backoff],
  },
  'first:syn': {
    text: {
      en: 'That first wait is the initial RTO, {rtoInit}: with no round trip measured yet, TCP starts from a cautious guess.',
      zh: '第一次等待用的是初始 RTO，即 {rtoInit}：还没有测得往返时间，TCP 只能从一个保守的估计开始。',
    },
    cites: [R.rtoInit, R.timeoutInit],
  },
  'first:data:rfc': {
    text: {
      en: 'The wait was the current RTO, computed from the round-trip times measured so far (never less than {rtoMin}, RFC 6298’s minimum).',
      zh: '等待时长是当前的 RTO，由迄今测得的往返时间算出（不低于 RFC 6298 规定的最小值 {rtoMin}）。',
    },
    cites: [R.rto2],
  },
  'first:syn:rfc': {
    text: {
      en: 'That first wait is the initial RTO, {rtoInit}: with no round trip measured yet, TCP starts from a cautious guess.',
      zh: '第一次等待用的是初始 RTO，即 {rtoInit}：还没有测得往返时间，TCP 只能从一个保守的估计开始。',
    },
    cites: [R.rtoInit],
  },
  'first:data': {
    text: {
      en: 'The wait was the current RTO, computed from the round-trip times measured so far (never less than {rtoMin}: Linux’s TCP_RTO_MIN).',
      zh: '等待时长是当前的 RTO，由迄今测得的往返时间算出（不低于 {rtoMin}，即 Linux 的 TCP_RTO_MIN）。',
    },
    cites: [R.rto2, R.rtoMinLinux],
  },
  linear: {
    text: {
      en: 'The wait did not double this time: Linux keeps a SYN’s timeout fixed for its first tcp_syn_linear_timeouts = {linear} retries before it starts backing off.',
      zh: '这次等待时间没有翻倍：Linux 在 SYN 的前 tcp_syn_linear_timeouts = {linear} 次重试中保持超时不变，之后才开始退避。',
    },
    cites: [R.synLinear],
  },
  doubled: {
    text: {
      en: 'The wait doubled ({prev} → {gap}): after each expiry the timer backs off, so that a congested or broken path is not flooded with copies.',
      zh: '等待时间翻倍了（{prev} → {gap}）：每次到期后计时器都会退避，以免向拥塞或中断的路径灌入大量副本。',
    },
    cites: [R.backoff],
  },
  other: {
    text: {
      en: 'This wait was {gap}; the one before it was {prev}.',
      zh: '这次等待了 {gap}，上一次是 {prev}。',
    },
    cites: [R.rtoTimer],
  },
};

const KARN_SYN: Bi = {
  en: 'Since the {seg} had to be sent again, its round trip cannot be measured (Karn’s rule: an ACK does not say which copy it answers), so once data flows the RTO starts at {rtoAfterSyn} instead of {rtoInit}.',
  zh: '由于{seg}被重发过，无法据此测量往返时间（Karn 规则：ACK 说不清它确认的是哪一份副本），因此开始传数据时 RTO 从{rtoAfterSyn}而不是{rtoInit}起算。',
};

const KARN_DATA: Bi = {
  en: 'Karn’s rule: the ACK of a retransmitted segment gives no round-trip sample, because it cannot tell which copy it answers.',
  zh: 'Karn 规则：对重传报文段的 ACK 不能用来测量往返时间，因为无法分辨它确认的是哪一份副本。',
};

const DROPPED_TOO: Readonly<Record<string, Bi>> = {
  loss: {
    en: 'This copy was lost on the link as well.',
    zh: '这一份副本同样在链路上丢失了。',
  },
  rule: {
    en: 'A link rule dropped this copy as well.',
    zh: '链路规则把这一份副本也丢弃了。',
  },
  user: {
    en: 'This copy was dropped as well.',
    zh: '这一份副本也被丢弃了。',
  },
  queue: {
    en: 'This copy found the bottleneck’s queue full as well.',
    zh: '这一份副本同样遇到了已满的瓶颈队列。',
  },
};

/** What ssthresh becomes at a loss, by congestion control. */
const CUT: Readonly<Record<string, Bi>> = {
  'rfc:reno': { en: 'half the data that was in flight', zh: '在途数据的一半' },
  'linux:reno': { en: 'half the window', zh: '窗口的一半' },
  cubic: { en: '0.7 of the window (CUBIC’s β)', zh: '窗口的 0.7 倍（CUBIC 的 β）' },
};
const cutOf = (p: Profile, lang: Lang): string =>
  (CUT[p.cc === 'cubic' ? 'cubic' : `${p.name === 'linux' ? 'linux' : 'rfc'}:reno`] ?? CUT.cubic!)[
    lang
  ];

/** The new ssthresh, as the first retransmission of a recovery sets it. */
const SSTHRESH_NOW: Bi = {
  en: 'ssthresh is now {ss} segments, {cut}.',
  zh: 'ssthresh 现在是 {ss} 个报文段，即{cut}。',
};

/** A timeout's answer in congestion control (after the timer's retransmission of data). */
const COLLAPSE: Bi = {
  en: 'Congestion control takes a timeout as its strongest signal: ssthresh becomes {ss} segments, cwnd goes down to one segment (the loss window), and everything not yet acknowledged{sacked} counts as lost, to be resent as the window grows again in slow start.',
  zh: '拥塞控制把超时视为最强烈的拥塞信号：ssthresh 变为 {ss} 个报文段，cwnd 降到一个报文段（丢失窗口），所有尚未确认{sacked}的数据都算作丢失，随着窗口在慢启动中重新增大而依次重发。',
};

/** Entering NewReno's (or Reno's) fast recovery, with the window's numbers. */
const INFLATE: Bi = {
  en: 'Fast recovery begins ({which}): ssthresh = max(FlightSize / 2, 2·SMSS) = {ss} segments, and cwnd = ssthresh + 3·SMSS = {cwnd} segments, counting the three segments the duplicate ACKs say have left the network. Each further duplicate ACK adds one SMSS (inflation), so that new data can keep flowing while the hole is repaired.',
  zh: '快速恢复开始（{which}）：ssthresh = max(FlightSize / 2, 2·SMSS) = {ss} 个报文段，cwnd = ssthresh + 3·SMSS = {cwnd} 个报文段——三个重复 ACK 说明已有三个报文段离开了网络。此后每个重复 ACK 再让 cwnd 增加一个 SMSS（窗口膨胀），这样在补洞期间新数据仍能继续发出。',
};

/** The sender's segment size, to count a window in segments (both ends share the profile). */
const smss = (p: Profile): number => p.mss - (p.timestamps ? 12 : 0);
/** A window in segments, for people: "55", "9.5". */
const inSegs = (bytes: number, p: Profile): string => trim(bytes / smss(p), 1);

const near = (a: number, b: number): boolean => Math.abs(a - b) <= Math.max(0.5, b * 0.01);

function explainRetransmit(s: RetransmitStep, c: Ctx): Explanation {
  const cls = segmentClass(s.segment.seg);
  const family = cls === 'syn' || cls === 'synack' ? 'syn' : 'data';
  const mode = s.timer
    ? (s.timer.purpose ?? 'timer')
    : cls === 'synack'
      ? 'repeat'
      : RTX_MODE[s.cause ?? 'dupacks'][c.profile.name === 'linux' ? 'linux' : 'rfc'];
  const headKey = `${mode}:${cls}`;
  const head = RTX_HEAD[headKey];
  const p = c.profile;
  const vars: Vars = {
    ...baseVars(s.side, c),
    seg: segmentLabel(s.segment.seg, c.lang),
    n: s.count,
    gap: fmtTime(s.sinceLast ?? 0, c.lang),
    prev: fmtTime(s.gapBefore ?? 0, c.lang),
    cut: cutOf(p, c.lang),
  };
  const sep = c.lang === 'zh' ? '' : ' ';
  if (!head)
    return {
      key: 'fallback:retransmit',
      text: fill(
        c.lang === 'zh'
          ? '{side}重发了{seg}（第 {n} 次重传）。'
          : 'The {side} sent its {seg} again (retransmission {n}).',
        vars,
      ),
      cites: [R.rtxTimeout],
      fallback: true,
    };
  const parts = [fill(head[c.lang], vars)];
  const cites = [...RTX_HEAD_CITES[headKey]!];
  if (mode === 'recovery')
    cites.splice(
      0,
      cites.length,
      ...(p.name === 'linux'
        ? [R.rack, R.prr]
        : p.sack
          ? [R.sackLoss, R.sackRecovery]
          : [R.newReno]),
    );
  // RFC 5681's fast recovery, with its numbers (Linux and SACK recovery set cwnd otherwise).
  const ss = s.cc?.ssthresh ?? null;
  if (mode === 'rack' && cls === 'data' && ss !== null && s.cc?.phase === 'fast-recovery')
    parts.push(fill(SSTHRESH_NOW[c.lang], { ss: inSegs(ss, p), cut: cutOf(p, c.lang) }));
  if (mode === 'fast' && p.name === 'rfc' && !p.sack && p.cc !== 'cubic' && ss !== null) {
    const sepc = c.lang === 'zh' ? '，' : ', ';
    const which = p.cc === 'reno' ? `RFC 5681${sepc}Reno` : `RFC 6582${sepc}NewReno`;
    parts.push(
      fill(INFLATE[c.lang], {
        which,
        ss: inSegs(ss, p),
        cwnd: inSegs(ss + 3 * smss(p), p),
      }),
    );
    cites.push(R.newReno);
  }
  if (mode === 'timer' && s.sinceLast !== null) {
    let gapKey: string;
    if (s.afterProbe) gapKey = 'after-probe';
    // The copy before came from somewhere else (a fast retransmit): this is the timer's first wait.
    else if (s.gapBefore === null || !s.afterTimer)
      gapKey = `first:${family}${c.profile.name === 'rfc' ? ':rfc' : ''}`;
    else if (cls === 'syn' && near(s.sinceLast, s.gapBefore)) gapKey = 'linear';
    else if (near(s.sinceLast, 2 * s.gapBefore)) gapKey = 'doubled';
    else gapKey = 'other';
    const g = GAP[gapKey]!;
    parts.push(fill(g.text[c.lang], vars));
    cites.push(...g.cites);
  }
  if (s.dropped) parts.push(fill((DROPPED_TOO[s.dropped] ?? DROPPED_TOO.user!)[c.lang], vars));
  if (mode === 'timer' && cls === 'data' && s.cc?.phase === 'rto-recovery' && ss !== null) {
    const sacked = p.sack ? (c.lang === 'zh' ? '或 SACK' : ' or SACKed') : '';
    parts.push(fill(COLLAPSE[c.lang], { ss: inSegs(ss, p), sacked }));
    cites.push(R.lossWindow);
    if (p.sack) cites.push(R.rtoLost);
    if (p.name === 'linux') cites.push(R.enterLoss);
  }
  if (mode === 'timer' || mode === 'repeat' || mode === 'tlp' || mode === 'reo') {
    parts.push(fill((family === 'syn' ? KARN_SYN : KARN_DATA)[c.lang], vars));
    cites.push(R.karn);
    if (family === 'syn') cites.push(R.synRto);
  }
  return {
    key: `retransmit:${headKey}`,
    text: parts.join(sep),
    cites: [...new Set(cites)],
    fallback: false,
  };
}

// ------------------------------------------------------------------ calls

interface ErrorEntry {
  readonly call: string;
  readonly errno: string;
  readonly text: Bi;
  readonly cites: readonly string[];
}

const ERROR_ENTRIES: readonly ErrorEntry[] = [
  {
    call: 'connect',
    errno: 'ECONNREFUSED',
    text: {
      en: 'connect() returns -1 with errno ECONNREFUSED: the SYN was answered with a reset, so nothing was listening on that port at the {peer}. A refusal is final; TCP does not retry after a reset.',
      zh: 'connect() 返回 -1，errno 为 ECONNREFUSED：SYN 换来的是复位，说明{peer}上没有套接字在监听那个端口。拒绝就是最终结果，收到复位后 TCP 不会重试。',
    },
    cites: [R.arrSynSent, R.tcpReset],
  },
  {
    call: 'connect',
    errno: 'ETIMEDOUT',
    text: {
      en: 'connect() returns -1 with errno ETIMEDOUT: {syns} SYNs went out over {elapsed} and none was answered. The call blocked the whole time; only now does the application learn that the connection failed.',
      zh: 'connect() 返回 -1，errno 为 ETIMEDOUT：{elapsed}内共发出 {syns} 个 SYN，没有一个得到回应。这次调用一直阻塞到现在，应用直到此刻才得知连接失败。',
    },
    cites: [R.synRetries, R.failures],
  },
  {
    call: '*',
    errno: 'ETIMEDOUT',
    text: {
      en: '{call}() returns -1 with errno ETIMEDOUT: the connection was dropped because its retransmissions went unanswered for too long.',
      zh: '{call}() 返回 -1，errno 为 ETIMEDOUT：重传长时间得不到回应，连接已被丢弃。',
    },
    cites: [R.failures, R.retries2],
  },
  {
    call: '*',
    errno: 'ECONNREFUSED',
    text: {
      en: '{call}() returns -1 with errno ECONNREFUSED: the connection attempt was answered with a reset.',
      zh: '{call}() 返回 -1，errno 为 ECONNREFUSED：连接请求换来的是复位。',
    },
    cites: [R.arrOther],
  },
  {
    call: '*',
    errno: 'ECONNRESET',
    text: {
      en: '{call}() returns -1 with errno ECONNRESET: the {peer} reset the connection. Whatever was still in flight or unread is lost.',
      zh: '{call}() 返回 -1，errno 为 ECONNRESET：{peer}复位了连接。仍在传输途中或尚未读取的数据都丢失了。',
    },
    cites: [R.arrOther, R.tcpReset],
  },
  {
    call: '*',
    errno: 'EPIPE',
    text: {
      en: '{call}() returns -1 with errno EPIPE: this socket can no longer send — its sending side was shut down (shutdown() or close()), or the connection was reset. (A real program would also get SIGPIPE unless it ignores it or passes MSG_NOSIGNAL.)',
      zh: '{call}() 返回 -1，errno 为 EPIPE：这个套接字已经不能再发送——要么它的发送方向已被关闭（shutdown() 或 close()），要么连接已被复位。（真实程序还会收到 SIGPIPE 信号，除非忽略该信号或使用 MSG_NOSIGNAL。）',
    },
    cites: [R.sendCall, R.tcpReset],
  },
  {
    call: '*',
    errno: 'ENOTCONN',
    text: {
      en: '{call}() returns -1 with errno ENOTCONN: the socket has no connection — not yet, or not any more.',
      zh: '{call}() 返回 -1，errno 为 ENOTCONN：这个套接字没有连接——要么还没建立，要么已经不存在了。',
    },
    cites: [R.sendCall, R.recvCall],
  },
  {
    call: '*',
    errno: 'EBADF',
    text: {
      en: '{call}() returns -1 with errno EBADF: the descriptor is not open — it was closed, or never existed. In this simulator a call still blocked on a descriptor when it is closed also ends with EBADF.',
      zh: '{call}() 返回 -1，errno 为 EBADF：该描述符没有打开——它已被关闭，或者根本不存在。在本模拟器中，描述符被关闭时仍阻塞在它上面的调用也会以 EBADF 结束。',
    },
    cites: [R.posixErrno],
  },
  {
    call: 'bind',
    errno: 'EADDRINUSE',
    text: {
      en: 'bind() returns -1 with errno EADDRINUSE: another socket already uses that port — a listener, or a connection, perhaps one still in TIME_WAIT. Sharing the port needs SO_REUSEADDR on both sockets, and never works against a listening one.',
      zh: 'bind() 返回 -1，errno 为 EADDRINUSE：该端口已被另一个套接字占用——可能是监听套接字，也可能是某个连接，比如仍处于 TIME_WAIT 的连接。要共用端口，两个套接字都必须设置 SO_REUSEADDR，而且对方不能是监听套接字。',
    },
    cites: [R.bindConflict, R.halfClose],
  },
  {
    call: 'listen',
    errno: 'EADDRINUSE',
    text: {
      en: 'listen() returns -1 with errno EADDRINUSE: another socket is already listening on that port.',
      zh: 'listen() 返回 -1，errno 为 EADDRINUSE：已经有另一个套接字在监听这个端口。',
    },
    cites: [R.bindConflict],
  },
  {
    call: '*',
    errno: 'EINVAL',
    text: {
      en: '{call}() returns -1 with errno EINVAL: the call makes no sense for this socket in its present state — for example bind() on a socket that already has a port, or accept() on one that is not listening.',
      zh: '{call}() 返回 -1，errno 为 EINVAL：这个调用对处于当前状态的套接字没有意义——例如对已经绑定端口的套接字再调用 bind()，或对没有监听的套接字调用 accept()。',
    },
    cites: [R.posixErrno],
  },
  {
    call: '*',
    errno: 'EISCONN',
    text: {
      en: '{call}() returns -1 with errno EISCONN: the socket is already connected (or listening), so it cannot connect again.',
      zh: '{call}() 返回 -1，errno 为 EISCONN：套接字已经连接（或正在监听），不能再次连接。',
    },
    cites: [R.open],
  },
  {
    call: '*',
    errno: 'EALREADY',
    text: {
      en: '{call}() returns -1 with errno EALREADY: a connection attempt on this socket is still in progress.',
      zh: '{call}() 返回 -1，errno 为 EALREADY：这个套接字上的连接尝试仍在进行中。',
    },
    cites: [R.open],
  },
  {
    call: '*',
    errno: 'EADDRNOTAVAIL',
    text: {
      en: '{call}() returns -1 with errno EADDRNOTAVAIL: a connection with the same local port, remote address and remote port already exists, and a connection is identified by exactly those.',
      zh: '{call}() 返回 -1，errno 为 EADDRNOTAVAIL：已经存在一个本地端口、远端地址和远端端口都相同的连接，而连接正是由这几项唯一标识的。',
    },
    cites: [R.open],
  },
];

const EOF_TEXT: Bi = {
  en: 'recv() returns 0: end of stream. The {peer}’s FIN has arrived and every byte sent before it has been read, so no more will ever come; from now on recv() returns 0 at once. The {side} may still send, unless it has closed its own side as well.',
  zh: 'recv() 返回 0：数据流结束。{peer}的 FIN 已经到达，FIN 之前的每个字节也都已读完，之后再也不会有数据；从现在起 recv() 会立即返回 0。除非{side}也关闭了自己这一端，否则它仍然可以发送。',
};

const EOF_BLOCKED: Bi = {
  en: 'The call had been blocked since {start}, waiting for data; the FIN is what woke it.',
  zh: '这次调用从 {start} 起一直阻塞着等待数据，是 FIN 的到来唤醒了它。',
};

function explainCall(s: CallStep, c: Ctx): Explanation {
  const r = s.call;
  const vars: Vars = {
    ...baseVars(s.side, c),
    call: r.call,
    errno: r.errno ?? '',
    syns: s.synsSent,
    elapsed: fmtTime(r.t - r.start, c.lang),
    start: fmtInstant(r.start, c.lang),
  };
  if (s.kind === 'eof') {
    const parts = [fill(EOF_TEXT[c.lang], vars)];
    if (r.start < r.t) parts.push(fill(EOF_BLOCKED[c.lang], vars));
    return {
      key: 'eof:recv',
      text: parts.join(c.lang === 'zh' ? '' : ' '),
      cites: [R.recvCall, R.close],
      fallback: false,
    };
  }
  const e =
    ERROR_ENTRIES.find((x) => x.call === r.call && x.errno === r.errno) ??
    ERROR_ENTRIES.find((x) => x.call === '*' && x.errno === r.errno);
  if (e)
    return {
      key: `error:${e.call}:${e.errno}`,
      text: fill(e.text[c.lang], vars),
      cites: e.cites,
      fallback: false,
    };
  return {
    key: 'fallback:error',
    text: fill(
      c.lang === 'zh'
        ? '{call}() 返回 -1，errno 为 {errno}。'
        : '{call}() returned -1 with errno {errno}.',
      vars,
    ),
    cites: [R.posixErrno],
    fallback: true,
  };
}

// ------------------------------------------------------------------ timers

const TIMER_TEXT: Readonly<Record<string, { text: Bi; cites: readonly string[] }>> = {
  rtx: {
    text: {
      en: 'The {side}’s retransmission timer fired with nothing to resend: it was probing a zero window. The {peer} had advertised no room, so the {side} sends a tiny probe to learn when the window opens again, and backs the timer off. This wait was {waited}; each probe doubles the wait before the next, as long as the window stays shut.',
      zh: '{side}的重传计时器到期了，但没有需要重发的内容：它在探测零窗口。{peer}通告的接收窗口为零，于是{side}发送一个很小的探测报文，看窗口何时重新打开，并让计时器退避。这次等待了 {waited}；只要窗口一直为零，每探测一次，下一次的等待就翻一倍。',
    },
    cites: [R.zeroWindow, R.probe],
  },
  'rtx:tlp': {
    text: {
      en: 'The {side}’s loss probe timer fired: nothing came back for the last data it sent. Linux sends a tail loss probe (TLP) — here a new segment, since the windows allowed one — so that its ACK, with SACK blocks if the tail was lost, shows what is missing without waiting for the retransmission timeout.',
      zh: '{side}的丢失探测计时器到期：它最后发出的数据一直没有回音。Linux 发送一个尾部丢失探测（TLP）——窗口允许，这里发的是一个新的报文段——让它的 ACK（若尾部丢失，会带 SACK 块）说明缺了什么，而不必等重传超时。',
    },
    cites: [R.tlp],
  },
  'rtx:reo': {
    text: {
      en: 'RACK’s reordering timer fired: the segments it was waiting for turned out to have arrived or been acknowledged in the meantime, or are not yet overdue, so nothing is resent now.',
      zh: 'RACK 的乱序计时器到期：它在等的报文段在此期间已经到达或被确认，或者还不算超时，所以这次没有重发任何东西。',
    },
    cites: [R.reoTimer],
  },
  timeWait: {
    text: {
      en: 'The {side}’s TIME_WAIT timer fired, {waited} after it was set: the 2×MSL wait is over.',
      zh: '{side}的 TIME_WAIT 计时器在设置 {waited} 后到期：2×MSL 的等待结束了。',
    },
    cites: [R.timeouts, R.timewaitLen],
  },
  finWait2: {
    text: {
      en: 'The {side}’s FIN_WAIT_2 timer fired: an orphaned connection gets only tcp_fin_timeout ({fin}) to receive the {peer}’s FIN.',
      zh: '{side}的 FIN_WAIT_2 计时器到期：被应用关闭的“孤儿”连接只有 tcp_fin_timeout（{fin}）的时间等待{peer}的 FIN。',
    },
    cites: [R.finTimeout],
  },
};

function explainTimer(s: TimerStep, c: Ctx): Explanation {
  const vars: Vars = {
    ...baseVars(s.side, c),
    timer: s.timer.timer,
    waited: fmtTime(s.armedAt === null ? 0 : s.t - s.armedAt, c.lang),
  };
  const e = TIMER_TEXT[s.timer.purpose ? `${s.timer.timer}:${s.timer.purpose}` : s.timer.timer];
  if (e)
    return {
      key: `timer:${s.timer.timer}`,
      text: fill(e.text[c.lang], vars),
      cites: e.cites,
      fallback: false,
    };
  return {
    key: 'fallback:timer',
    text: fill(
      c.lang === 'zh' ? '{side}的 {timer} 计时器到期了。' : 'The {side}’s {timer} timer fired.',
      vars,
    ),
    cites: [R.timeouts],
    fallback: true,
  };
}

// ------------------------------------------------------------------ congestion phases

/** How the window grows in congestion avoidance, by congestion control. */
const GROWTH: Readonly<Record<'reno' | 'cubic', Bi>> = {
  reno: {
    en: 'the window now grows by about one segment per round trip instead of doubling.',
    zh: '窗口不再每个往返时间翻倍，而是每个往返时间只增加大约一个报文段。',
  },
  cubic: {
    en: 'CUBIC now grows the window along a cubic curve of the time since the loss — quickly at first, levelling off as it nears the window at which the loss happened, then probing beyond it — and never more slowly than Reno would (its Reno-friendly estimate).',
    zh: 'CUBIC 让窗口沿着一条以丢包后经过的时间为自变量的三次曲线增长——起初较快，接近发生丢包时的窗口大小时逐渐放平，然后越过它继续试探——而且绝不比 Reno 增长得更慢（即它的 Reno 友好估计）。',
  },
};

/** How fast recovery brought cwnd to where it ends, by profile and recovery. */
const RECOVERY_HOW: Readonly<Record<string, Bi>> = {
  linux: {
    en: 'PRR brought cwnd down to ssthresh step by step, one ACK at a time, rather than all at once.',
    zh: 'PRR 是随着一个个 ACK 逐步把 cwnd 降到 ssthresh 的，而不是一下子降下来。',
  },
  'rfc:sack': {
    en: 'RFC 6675 kept cwnd at ssthresh throughout, sending whenever what was in the network (the pipe) fell below it.',
    zh: '按 RFC 6675，恢复期间 cwnd 一直等于 ssthresh，只要网络中的数据量（pipe）低于它就发送。',
  },
  'rfc:newreno': {
    en: 'The full ACK deflates the window that the duplicate ACKs inflated: cwnd = min(ssthresh, FlightSize + SMSS).',
    zh: '完整确认（full ACK）让被重复 ACK 膨胀的窗口收缩回来：cwnd = min(ssthresh, FlightSize + SMSS)。',
  },
  'rfc:reno': {
    en: 'The first ACK of new data ends Reno’s recovery and deflates cwnd to ssthresh.',
    zh: '第一个确认新数据的 ACK 结束了 Reno 的恢复，cwnd 收缩到 ssthresh。',
  },
};

interface CcEntry {
  readonly text: Bi;
  readonly cites: (c: Ctx) => readonly string[];
}

const CC_ENTRIES: Readonly<Record<string, CcEntry>> = {
  'fast-recovery>avoidance': {
    text: {
      en: 'Fast recovery is over: this ACK covers everything that was in flight when the loss was found, so every hole is filled. {how} cwnd is now {cwnd} segments, equal to ssthresh, and the {side} carries on in congestion avoidance: {growth}',
      zh: '快速恢复结束：这个 ACK 覆盖了发现丢包时在途的全部数据，所有空洞都已补上。{how}现在 cwnd 为 {cwnd} 个报文段，等于 ssthresh，{side}进入拥塞避免阶段：{growth}',
    },
    cites: (c) => [
      R.fastRtx,
      c.profile.name === 'linux' ? R.prr : c.profile.sack ? R.sackRecovery : R.newReno,
      ...(c.profile.cc === 'cubic' ? [R.cubic] : []),
    ],
  },
  'fast-recovery>slow-start': {
    text: {
      en: 'Fast recovery is over: this ACK covers everything that was in flight when the loss was found (a full ACK). {how} With little in flight that gives {cwnd} segments, below ssthresh ({ssthresh}), so the window grows in slow start — a segment for every segment acknowledged — until it gets there.',
      zh: '快速恢复结束：这个 ACK 覆盖了发现丢包时在途的全部数据（完整确认）。{how}由于在途数据不多，结果是 {cwnd} 个报文段，低于 ssthresh（{ssthresh} 个），所以窗口先以慢启动增长——每确认一个报文段就增加一个报文段——直到达到 ssthresh。',
    },
    cites: (c) => [R.newReno, R.lossWindow, ...(c.profile.sack ? [R.sackRecovery] : [])],
  },
  'rto-recovery>slow-start': {
    text: {
      en: 'The recovery from the retransmission timeout is over: everything that was outstanding when the timer fired has now been acknowledged. cwnd restarted from one segment and is {cwnd} segments now, still below ssthresh ({ssthresh}), so the {side} carries on in slow start: a segment more for every segment acknowledged, until the window reaches ssthresh.',
      zh: '超时之后的恢复结束了：计时器到期时所有未确认的数据现在都已得到确认。cwnd 从一个报文段重新开始，现在是 {cwnd} 个报文段，仍低于 ssthresh（{ssthresh} 个），所以{side}继续慢启动：每确认一个报文段，窗口就增加一个报文段，直到达到 ssthresh。',
    },
    cites: (c) => [R.lossWindow, ...(c.profile.name === 'linux' ? [R.enterLoss] : [R.rtoLost])],
  },
  'rto-recovery>avoidance': {
    text: {
      en: 'The recovery from the retransmission timeout is over: everything that was outstanding when the timer fired has been acknowledged, and cwnd, restarted from one segment, has grown back to ssthresh ({ssthresh} segments). From here the {side} is in congestion avoidance: {growth}',
      zh: '超时之后的恢复结束了：计时器到期时所有未确认的数据都已得到确认，cwnd 从一个报文段重新开始，已经回到 ssthresh（{ssthresh} 个报文段）。从这里起{side}进入拥塞避免阶段：{growth}',
    },
    cites: (c) => [
      R.lossWindow,
      ...(c.profile.name === 'linux' ? [R.enterLoss] : [R.rtoLost]),
      ...(c.profile.cc === 'cubic' ? [R.cubic] : []),
    ],
  },
  'slow-start>avoidance': {
    text: {
      en: 'cwnd ({cwnd} segments) has reached ssthresh ({ssthresh}), the estimate of a safe window that the last loss left behind: slow start is over. From here the {side} is in congestion avoidance: {growth}',
      zh: 'cwnd（{cwnd} 个报文段）达到了 ssthresh（{ssthresh} 个），也就是上一次丢包留下的安全窗口估计：慢启动结束。从这里起{side}进入拥塞避免阶段：{growth}',
    },
    cites: (c) => [R.lossWindow, ...(c.profile.cc === 'cubic' ? [R.cubic] : [])],
  },
  'avoidance>slow-start:idle': {
    text: {
      en: 'cwnd is down from {before} to {cwnd} segments, below ssthresh ({ssthresh}) again: the {side} had sent nothing for longer than an RTO, so its picture of the path is stale and the window restarts from the initial window (restart after idle). It grows in slow start until it is back at ssthresh.',
      zh: 'cwnd 从 {before} 个报文段降到了 {cwnd} 个，又低于 ssthresh（{ssthresh} 个）：{side}已经超过一个 RTO 没有发送任何数据，它对路径的了解已经过时，所以窗口从初始窗口重新开始（空闲后重启），并以慢启动增长，直到回到 ssthresh。',
    },
    cites: (c) => [R.idle, ...(c.profile.name === 'linux' ? [R.cwndRestart] : [])],
  },
};

function ccKey(s: CcStep): string {
  const k = `${s.from}>${s.to}`;
  if (k === 'avoidance>slow-start') return s.after.cwnd < s.before.cwnd ? `${k}:idle` : k;
  return k;
}

function explainCc(s: CcStep, c: Ctx): Explanation {
  const p = c.profile;
  const key = ccKey(s);
  const e = CC_ENTRIES[key];
  const howKey =
    p.name === 'linux'
      ? 'linux'
      : p.sack
        ? 'rfc:sack'
        : `rfc:${p.cc === 'reno' ? 'reno' : 'newreno'}`;
  const vars: Vars = {
    ...baseVars(s.side, c),
    cwnd: inSegs(s.after.cwnd, p),
    before: inSegs(s.before.cwnd, p),
    ssthresh: s.after.ssthresh === null ? '∞' : inSegs(s.after.ssthresh, p),
    how: (RECOVERY_HOW[howKey] ?? RECOVERY_HOW.linux!)[c.lang],
    growth: GROWTH[p.cc === 'cubic' ? 'cubic' : 'reno'][c.lang],
    from: s.from,
    to: s.to,
  };
  if (!e)
    return {
      key: 'fallback:cc',
      text: fill(
        c.lang === 'zh'
          ? '{side}的拥塞控制从 {from} 转入 {to}（cwnd {cwnd} 个报文段）。'
          : 'The {side}’s congestion control went from {from} to {to} (cwnd {cwnd} segments).',
        vars,
      ),
      cites: [R.lossWindow],
      fallback: true,
    };
  return { key: `cc:${key}`, text: fill(e.text[c.lang], vars), cites: e.cites(c), fallback: false };
}

// ------------------------------------------------------------------ the receive window

const WINDOW_TEXT: Readonly<Record<WindowStep['change'], { text: Bi; cites: readonly string[] }>> =
  {
    closed: {
      text: {
        en: 'The {side}’s receive buffer is full: the application has not read what arrived, so this ACK offers a window of 0. However much the {peer} still has queued, it may send no new data now. It keeps the data and waits; if no window update comes, its timer will send a small probe to ask for the window again (the persist timer).',
        zh: '{side}的接收缓冲区已满：应用没有读取已到达的数据，所以这个 ACK 通告的窗口为 0。无论{peer}还有多少数据排队待发，现在都不能再发送新数据。它保留这些数据并等待；如果迟迟等不到窗口更新，它的计时器会发出一个小小的探测报文，再次询问窗口大小（持续计时器）。',
      },
      cites: [R.zeroWindow, R.probe],
    },
    opened: {
      text: {
        en: '{reading}The {side} tells the {peer} at once, with a window update offering {window} bytes: the {peer} may send again. (Had this update been lost, the {peer}’s next probe would have found the window open.)',
        zh: '{reading}{side}立即用一个窗口更新告诉{peer}：现在可以接收 {window} 字节，{peer}可以继续发送了。（即使这个更新丢失，{peer}的下一个探测报文也会发现窗口已经打开。）',
      },
      cites: [R.rcvWindow, R.cleanupRbuf, R.zeroWindow],
    },
  };

function explainWindow(s: WindowStep, c: Ctx): Explanation {
  const e = WINDOW_TEXT[s.change];
  const reading =
    s.read > 0
      ? c.lang === 'zh'
        ? `应用读取了 ${s.read} 字节，接收缓冲区腾出了空间。`
        : `The application read ${s.read} bytes, and the receive buffer has room again. `
      : '';
  const vars: Vars = { ...baseVars(s.side, c), window: s.window, reading };
  const cites =
    s.change === 'opened' && c.profile.name !== 'linux'
      ? e.cites.filter((x) => x !== R.cleanupRbuf)
      : e.cites;
  return { key: `window:${s.change}`, text: fill(e.text[c.lang], vars), cites, fallback: false };
}

// ------------------------------------------------------------------ entry point

/**
 * Chinese text: a space between Han characters and Latin letters or digits
 * ("客户端的 SYN", "在 1 秒时"), as the rest of the UI writes it.
 */
export function spaceOut(text: string): string {
  return text
    .replace(/([\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])/g, '$1')
    .replace(/([\u4e00-\u9fff])([A-Za-z0-9_])/g, '$1 $2')
    .replace(/([A-Za-z0-9_)])([\u4e00-\u9fff])/g, '$1 $2');
}

function explainIn(step: Step, c: Ctx): Explanation {
  switch (step.kind) {
    case 'state':
      return explainState(step, c);
    case 'drop':
      return explainDrop(step, c);
    case 'retransmit':
      return explainRetransmit(step, c);
    case 'error':
    case 'eof':
      return explainCall(step, c);
    case 'timer':
      return explainTimer(step, c);
    case 'cc':
      return explainCc(step, c);
    case 'window':
      return explainWindow(step, c);
  }
}

/** What a step means, in `lang`, with its sources. `profile` supplies the run's constants (Linux by default). */
export function explain(step: Step, lang: Lang, profile: Profile = LINUX): Explanation {
  const e = explainIn(step, { lang, profile });
  return lang === 'zh' ? { ...e, text: spaceOut(e.text) } : e;
}
