/**
 * The machine labels its transitions in English (`description` in
 * endpoint-machine.ts: "rcv SYN / snd SYN,ACK"); that text is what the UI
 * shows in English. For the Chinese UI, each transition's label is looked up
 * here by the transition's stable id (`<STATE>/<what>`, its `meta.id`), never
 * by the English text, so rewording a description cannot lose a translation.
 *
 * Most of a state's transitions say the same as their namesakes in other
 * states (the seven checks every synchronized state makes, recv(), the
 * timers), so the labels are keyed in two tables:
 * - ZH_BY_WHAT, by the part of the id after the slash ('rcv-fin',
 *   'rcv-unacceptable'): the label wherever that kind of transition reads
 *   the same;
 * - ZH_BY_ID, by the whole id: where one state's label says something else
 *   ('SYN_RECEIVED/give-up' reports no ETIMEDOUT), and for the kinds whose
 *   label differs in every state that has one ('LISTEN/rcv-ack',
 *   'SYN_RECEIVED/rcv-ack').
 * A per-id entry wins. Tests check that every transition id of the machine
 * has a label, that no entry goes unused or merely repeats its `what`, and
 * that transitions share a Chinese label exactly when they share an English
 * one. Names of flags, calls, states and errno values stay as they are.
 */
import type { Lang } from '../i18n';
import type { DiagramTransition } from './graph';

const ABORT = '中止';
const CLOSE_SND_FIN = 'close() / 发 FIN';
const RCV_DATA_OR_ACK = '收数据或 ACK';
const RCV_RST = '收 RST';
const SEND_QUEUED = 'send()（排队等待）';

/** Chinese labels by what a transition is (the id after the slash), where every state says the same. */
export const ZH_BY_WHAT: Readonly<Record<string, string>> = {
  abort: '中止 / 发 RST',
  'abort-unread': '带着未读数据 close() / 发 RST',
  close: 'close()',
  connect: 'connect() / 发 SYN',
  'delayed-ack': '延迟 ACK 超时 / 发 ACK',
  'give-up': '超时且重试用尽 / ETIMEDOUT',
  listen: 'listen()',
  orphan: 'close()',
  rcv: '收 ACK',
  'rcv-ack-fin': '收 ACK,FIN / 发 ACK',
  'rcv-ack-of-fin': '收到对 FIN 的 ACK',
  'rcv-ack-of-unsent': '收到确认未发送数据的 ACK / 发 ACK',
  'rcv-any': '收到任意报文段 / 发 RST',
  'rcv-bad-ack': '收到错误的 ACK / 发 RST',
  'rcv-data-after-close': 'close() 之后又收到数据 / 发 RST',
  'rcv-fin': '收 FIN / 发 ACK',
  'rcv-fin-ack': '收 FIN,ACK / 发 ACK',
  'rcv-fin-again': '再次收到 FIN / 发 ACK，重启计时器',
  'rcv-no-ack': '收到不带 ACK 的报文段 /（丢弃）',
  'rcv-rst': '收 RST / ECONNRESET',
  'rcv-rst-ack': '收 RST,ACK / ECONNREFUSED',
  'rcv-rst-active': '收 RST（主动打开）/ ECONNREFUSED',
  'rcv-rst-in-window': '收到窗口内的 RST / 发挑战 ACK',
  'rcv-rst-outside': '收到窗口外的 RST /（丢弃）',
  'rcv-rst-passive': '收 RST（被动打开）/ 回到 LISTEN',
  'rcv-syn': '收 SYN / 发挑战 ACK',
  'rcv-syn-ack-fin': '收 SYN,ACK,FIN / 发 ACK',
  'rcv-syn-again': '再次收到 SYN / 发 SYN,ACK',
  'rcv-syn-passive': '收到窗口内的 SYN（被动打开）/ 回到 LISTEN',
  'rcv-unacceptable': '收到不可接受的报文段 / 发 ACK',
  recv: 'recv()',
  rtx: '超时 / 重传',
  send: 'send() / 发数据',
};

/** Chinese labels by transition id, where a state's label differs from ZH_BY_WHAT's (or there is none). */
export const ZH_BY_ID: Readonly<Record<string, string>> = {
  'CLOSED/rcv-rst': '收 RST /（丢弃）',
  'LISTEN/rcv-rst': '收 RST /（忽略）',
  'LISTEN/rcv-ack': '收 ACK / 发 RST',
  'LISTEN/rcv-syn': '收 SYN / 发 SYN,ACK',
  'LISTEN/abort': ABORT,
  'SYN_SENT/rcv-rst': '收到不带 ACK 的 RST /（丢弃）',
  'SYN_SENT/rcv-syn-ack': '收 SYN,ACK / 发 ACK',
  'SYN_SENT/rcv-syn': '收 SYN / 发 SYN,ACK（同时打开）',
  'SYN_SENT/send': SEND_QUEUED,
  'SYN_SENT/rtx': '超时 / 重发 SYN',
  'SYN_SENT/abort': ABORT,
  'SYN_RECEIVED/rcv-syn-ack': '收 SYN,ACK（同时打开）',
  'SYN_RECEIVED/rcv-ack': '收到对 SYN 的 ACK',
  'SYN_RECEIVED/send': SEND_QUEUED,
  'SYN_RECEIVED/give-up': '超时且重试用尽',
  'SYN_RECEIVED/rtx': '超时 / 重发 SYN,ACK',
  'SYN_RECEIVED/close': CLOSE_SND_FIN,
  'ESTABLISHED/rcv': RCV_DATA_OR_ACK,
  'ESTABLISHED/close': CLOSE_SND_FIN,
  'FIN_WAIT_1/rcv': RCV_DATA_OR_ACK,
  'FIN_WAIT_2/rcv': RCV_DATA_OR_ACK,
  'FIN_WAIT_2/timeout': 'tcp_fin_timeout（孤儿套接字）',
  'CLOSE_WAIT/rcv-rst': '收 RST / EPIPE',
  'CLOSE_WAIT/close': CLOSE_SND_FIN,
  'CLOSING/rcv-rst': RCV_RST,
  'CLOSING/abort': ABORT,
  'LAST_ACK/rcv-rst': RCV_RST,
  'LAST_ACK/abort': ABORT,
  'TIME_WAIT/rcv-rst': RCV_RST,
  'TIME_WAIT/abort': ABORT,
  'TIME_WAIT/timeout': 'TIME_WAIT 计时器到期（2MSL；Linux 为 60 秒）',
};

/** What a transition is: its id after the slash ('ESTABLISHED/rcv-fin' → 'rcv-fin'). */
export const whatOf = (id: string): string => id.slice(id.indexOf('/') + 1);

/** The Chinese label of the transition with this id, if there is one. */
export function zhLabel(id: string): string | undefined {
  if (Object.hasOwn(ZH_BY_ID, id)) return ZH_BY_ID[id];
  const what = whatOf(id);
  return Object.hasOwn(ZH_BY_WHAT, what) ? ZH_BY_WHAT[what] : undefined;
}

/** A transition's label in the UI's language: the machine's description in English. */
export const describeIn = (lang: Lang, t: Pick<DiagramTransition, 'id' | 'label'>): string =>
  lang === 'zh' ? (zhLabel(t.id) ?? t.label) : t.label;

/** The labels of some transitions in the UI's language, without repeats, in order. */
export const labelsIn = (
  lang: Lang,
  ts: readonly Pick<DiagramTransition, 'id' | 'label'>[],
): string[] => [...new Set(ts.map((t) => describeIn(lang, t)))];
