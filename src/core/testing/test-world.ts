/**
 * Helpers for the core's tests: a world with the usual addresses, small
 * "applications" that drive socket calls through CallHandle.onDone, and
 * readers over the trace.
 *
 * The set of allowed state transitions below is written from RFC 9293
 * (Figure 5 and the event processing rules of §3.10), not from the machine,
 * so that tests can hold the machine against it.
 */
import type { CallHandle, CallResult } from '../sockets/host';
import { parseIp } from '../tcp/segment';
import type { StateName } from '../tcp/tcb';
import type { CallRecord, SegmentRecord, Side, StateRecord, TimerRecord } from '../sim/trace';
import { DEFAULT_SERVER_IP, DEFAULT_SERVER_PORT, World } from '../sim/world';
import type { WorldOptions } from '../sim/world';

export const SERVER_IP = parseIp(DEFAULT_SERVER_IP)!;
export const PORT = DEFAULT_SERVER_PORT;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const bytes = (s: string): Uint8Array => encoder.encode(s);
export const text = (b: Uint8Array): string => decoder.decode(b);

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A world whose two directions both have one-way delay `delay` ms (plus any other link settings). */
export function makeWorld(seed: number, delay = 10, extra: Omit<WorldOptions, 'seed'> = {}): World {
  return new World({
    ...extra,
    seed,
    link: {
      client: { delay, ...extra.link?.client },
      server: { delay, ...extra.link?.server },
    },
  });
}

/** The result of a call that must have completed. */
export function result(h: CallHandle): CallResult {
  if (!h.result) throw new Error(`${h.side} ${h.call.name}() has not returned`);
  return h.result;
}

/** The return value of a call that must have completed successfully. */
export function okRet(h: CallHandle): number {
  const r = result(h);
  if (r.ret < 0) throw new Error(`${h.side} ${h.call.name}() failed: ${r.errno ?? '?'}`);
  return r.ret;
}

/** socket(), optionally SO_REUSEADDR, bind(port), listen(): the listening fd. */
export function listenOn(
  w: World,
  opts: { port?: number; reuseAddr?: boolean; backlog?: number } = {},
): number {
  const fd = okRet(w.call('server', { name: 'socket' }));
  if (opts.reuseAddr)
    okRet(w.call('server', { name: 'setsockopt', fd, opt: 'SO_REUSEADDR', value: true }));
  okRet(w.call('server', { name: 'bind', fd, port: opts.port ?? PORT }));
  okRet(w.call('server', { name: 'listen', fd, backlog: opts.backlog ?? 64 }));
  return fd;
}

/** A client socket connecting to the server: its fd and the (blocking) connect call. */
export function connectTo(w: World, port = PORT): { fd: number; connect: CallHandle } {
  const fd = okRet(w.call('client', { name: 'socket' }));
  const connect = w.call('client', { name: 'connect', fd, ip: SERVER_IP, port });
  return { fd, connect };
}

/** What a reading application saw: the data in order and how the stream ended. */
export interface Reader {
  readonly chunks: Uint8Array[];
  /** The call that ended the loop: recv() returning 0 or -1. */
  end: CallResult | null;
  /** Virtual time of the end. */
  endAt: number | null;
  data(): Uint8Array;
}

/**
 * An application that calls recv() again each time the previous one returns
 * data, until it returns 0 (end of stream) or -1 (an error). `then` runs at
 * the end, from the completion of the last recv().
 */
export function readAll(
  w: World,
  side: Side,
  fd: number,
  then?: (end: CallResult) => void,
  len?: number,
): Reader {
  const r: Reader = {
    chunks: [],
    end: null,
    endAt: null,
    data: () => concat(r.chunks),
  };
  const loop = (): void => {
    w.call(side, len === undefined ? { name: 'recv', fd } : { name: 'recv', fd, len }).onDone(
      (res) => {
        if (res.ret > 0 && res.data) {
          r.chunks.push(res.data);
          loop();
          return;
        }
        r.end = res;
        r.endAt = w.now;
        then?.(res);
      },
    );
  };
  loop();
  return r;
}

/** An echo server: accepts connections forever, echoes what each sends, closes when it closes. */
export function echoServer(w: World, listenFd: number): { accepted: number[] } {
  const accepted: number[] = [];
  const acceptLoop = (): void => {
    w.call('server', { name: 'accept', fd: listenFd }).onDone((r) => {
      if (r.ret < 0) return;
      const fd = r.ret;
      accepted.push(fd);
      const echo = (): void => {
        w.call('server', { name: 'recv', fd }).onDone((rr) => {
          if (rr.ret > 0 && rr.data) {
            w.call('server', { name: 'send', fd, data: rr.data });
            echo();
          } else {
            w.call('server', { name: 'close', fd });
          }
        });
      };
      echo();
      acceptLoop();
    });
  };
  acceptLoop();
  return { accepted };
}

// ------------------------------------------------------------------ trace readers

export const segmentsFrom = (w: World, side: Side): SegmentRecord[] =>
  w.trace.records.filter((r): r is SegmentRecord => r.kind === 'segment' && r.from === side);

export const stateRecords = (w: World): StateRecord[] =>
  w.trace.records.filter((r): r is StateRecord => r.kind === 'state');

export const timerRecords = (w: World): TimerRecord[] =>
  w.trace.records.filter((r): r is TimerRecord => r.kind === 'timer');

export const callRecords = (w: World, side?: Side, name?: CallRecord['call']): CallRecord[] =>
  w.trace.records.filter(
    (r): r is CallRecord =>
      r.kind === 'call' &&
      (side === undefined || r.side === side) &&
      (name === undefined || r.call === name),
  );

/** The states one connection went through, starting from CLOSED. */
export function statePath(w: World, conn: string): StateName[] {
  const recs = stateRecords(w).filter((r) => r.conn === conn);
  // A connection starts where its first record starts: CLOSED, or LISTEN when a listener started it.
  const path: StateName[] = [recs[0]?.from ?? 'CLOSED'];
  for (const r of recs) path.push(r.to);
  return path;
}

/** The state a connection is in now. */
export function stateNow(w: World, conn: string): StateName {
  const v = w.at(w.now).conns.find((c) => c.id === conn);
  if (!v) throw new Error(`no connection ${conn}`);
  return v.state;
}

// ------------------------------------------------------------------ RFC 9293 transitions

/**
 * Every change of state RFC 9293 permits (Figure 5 and §3.10), as "FROM>TO".
 * Written from the RFC, not from the machine. A change of state is visible
 * once per event, so where one segment is processed through two rules (ACK,
 * then FIN) the composed change appears.
 */
export const ALLOWED_TRANSITIONS: ReadonlySet<string> = new Set([
  // Figure 5: OPEN calls.
  'CLOSED>LISTEN', // passive OPEN
  'CLOSED>SYN_SENT', // active OPEN / snd SYN
  // LISTEN (§3.10.7.2).
  'LISTEN>SYN_RECEIVED', // rcv SYN / snd SYN,ACK
  'LISTEN>SYN_SENT', // SEND / snd SYN (§3.10.2)
  'LISTEN>CLOSED', // CLOSE or ABORT (§3.10.4, §3.10.5)
  // SYN-SENT (§3.10.7.3).
  'SYN_SENT>ESTABLISHED', // rcv SYN,ACK / snd ACK
  'SYN_SENT>SYN_RECEIVED', // rcv SYN / snd SYN,ACK (simultaneous open)
  'SYN_SENT>CLOSED', // acceptable RST,ACK; CLOSE; ABORT; user timeout (§3.10.8)
  // SYN-RECEIVED (§3.10.7.4).
  'SYN_RECEIVED>ESTABLISHED', // fifth check: acceptable ACK
  'SYN_RECEIVED>CLOSE_WAIT', // ACK of SYN with FIN: fifth check then eighth check
  'SYN_RECEIVED>FIN_WAIT_1', // CLOSE / snd FIN (§3.10.4)
  'SYN_RECEIVED>LISTEN', // RST or SYN after a passive OPEN (second and fourth checks)
  'SYN_RECEIVED>CLOSED', // RST after an active OPEN; ABORT; user timeout
  // ESTABLISHED.
  'ESTABLISHED>FIN_WAIT_1', // CLOSE / snd FIN
  'ESTABLISHED>CLOSE_WAIT', // rcv FIN / snd ACK
  'ESTABLISHED>CLOSED', // RST, ABORT, user timeout
  // FIN-WAIT-1.
  'FIN_WAIT_1>FIN_WAIT_2', // rcv ACK of FIN
  'FIN_WAIT_1>CLOSING', // rcv FIN / snd ACK
  'FIN_WAIT_1>TIME_WAIT', // rcv FIN that also ACKs our FIN (eighth check)
  'FIN_WAIT_1>CLOSED', // RST, ABORT, user timeout
  // FIN-WAIT-2.
  'FIN_WAIT_2>TIME_WAIT', // rcv FIN / snd ACK
  'FIN_WAIT_2>CLOSED', // RST, ABORT, Linux tcp_fin_timeout for an orphaned socket
  // CLOSE-WAIT.
  'CLOSE_WAIT>LAST_ACK', // CLOSE / snd FIN
  'CLOSE_WAIT>CLOSED', // RST, ABORT, user timeout
  // CLOSING.
  'CLOSING>TIME_WAIT', // rcv ACK of FIN
  'CLOSING>CLOSED', // RST, ABORT, user timeout
  // LAST-ACK.
  'LAST_ACK>CLOSED', // rcv ACK of FIN; RST; ABORT; user timeout
  // TIME-WAIT.
  'TIME_WAIT>CLOSED', // 2MSL timeout; RST; ABORT
]);
