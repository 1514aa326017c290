/**
 * The machine labels its transitions in English (`description` in
 * endpoint-machine.ts: "rcv SYN / snd SYN,ACK"). For the Chinese UI, each of
 * those labels has its translation here; a test checks none is missing.
 * Names of flags, calls, states and errno values stay as they are.
 */
import type { Lang } from '../i18n';

export const ZH_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'TIME_WAIT timer (2MSL; Linux 60 s)': 'TIME_WAIT 计时器到期（2MSL；Linux 为 60 秒）',
  'abort / snd RST': '中止 / 发 RST',
  abort: '中止',
  'close() / snd FIN': 'close() / 发 FIN',
  'close() with unread data / snd RST': '带着未读数据 close() / 发 RST',
  'close()': 'close()',
  'connect() / snd SYN': 'connect() / 发 SYN',
  'delayed-ACK timeout / snd ACK': '延迟 ACK 超时 / 发 ACK',
  'listen()': 'listen()',
  'rcv ACK / snd RST': '收 ACK / 发 RST',
  'rcv ACK of FIN': '收到对 FIN 的 ACK',
  'rcv ACK of SYN': '收到对 SYN 的 ACK',
  'rcv ACK of unsent data / snd ACK': '收到确认未发送数据的 ACK / 发 ACK',
  'rcv ACK': '收 ACK',
  'rcv ACK,FIN / snd ACK': '收 ACK,FIN / 发 ACK',
  'rcv FIN / snd ACK': '收 FIN / 发 ACK',
  'rcv FIN again / snd ACK, restart timer': '再次收到 FIN / 发 ACK，重启计时器',
  'rcv FIN,ACK / snd ACK': '收 FIN,ACK / 发 ACK',
  'rcv RST (active open) / ECONNREFUSED': '收 RST（主动打开）/ ECONNREFUSED',
  'rcv RST (passive open) / back to LISTEN': '收 RST（被动打开）/ 回到 LISTEN',
  'rcv RST / (drop)': '收 RST /（丢弃）',
  'rcv RST / (ignore)': '收 RST /（忽略）',
  'rcv RST / ECONNRESET': '收 RST / ECONNRESET',
  'rcv RST / EPIPE': '收 RST / EPIPE',
  'rcv RST': '收 RST',
  'rcv RST in window / challenge ACK': '收到窗口内的 RST / 发挑战 ACK',
  'rcv RST out of window / (drop)': '收到窗口外的 RST /（丢弃）',
  'rcv RST without ACK / (drop)': '收到不带 ACK 的 RST /（丢弃）',
  'rcv RST,ACK / ECONNREFUSED': '收 RST,ACK / ECONNREFUSED',
  'rcv SYN / challenge ACK': '收 SYN / 发挑战 ACK',
  'rcv SYN / snd SYN,ACK (simultaneous open)': '收 SYN / 发 SYN,ACK（同时打开）',
  'rcv SYN / snd SYN,ACK': '收 SYN / 发 SYN,ACK',
  'rcv SYN again / snd SYN,ACK': '再次收到 SYN / 发 SYN,ACK',
  'rcv SYN in window (passive open) / back to LISTEN': '收到窗口内的 SYN（被动打开）/ 回到 LISTEN',
  'rcv SYN,ACK (simultaneous open)': '收 SYN,ACK（同时打开）',
  'rcv SYN,ACK / snd ACK': '收 SYN,ACK / 发 ACK',
  'rcv SYN,ACK,FIN / snd ACK': '收 SYN,ACK,FIN / 发 ACK',
  'rcv any / snd RST': '收到任意报文段 / 发 RST',
  'rcv bad ACK / snd RST': '收到错误的 ACK / 发 RST',
  'rcv data after close() / snd RST': 'close() 之后又收到数据 / 发 RST',
  'rcv data or ACK': '收数据或 ACK',
  'rcv no ACK / (drop)': '收到不带 ACK 的报文段 /（丢弃）',
  'rcv unacceptable / snd ACK': '收到不可接受的报文段 / 发 ACK',
  'recv()': 'recv()',
  'send() (queued)': 'send()（排队等待）',
  'send() / snd data': 'send() / 发数据',
  'tcp_fin_timeout (orphaned socket)': 'tcp_fin_timeout（孤儿套接字）',
  'timeout / retransmit': '超时 / 重传',
  'timeout / snd SYN again': '超时 / 重发 SYN',
  'timeout / snd SYN,ACK again': '超时 / 重发 SYN,ACK',
  'timeout, retries spent / ETIMEDOUT': '超时且重试用尽 / ETIMEDOUT',
  'timeout, retries spent': '超时且重试用尽',
};

/** A transition label in the UI's language. */
export const describeIn = (lang: Lang, label: string): string =>
  lang === 'zh' ? (ZH_DESCRIPTIONS[label] ?? label) : label;
