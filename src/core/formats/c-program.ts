/**
 * The session as a C program: the socket calls each side made, in the order
 * it made them, written out as one complete C program per side in the classic
 * BSD sockets style (socket, setsockopt, bind, listen, accept, connect, send,
 * recv, shutdown, close; every call checked for -1 with perror).
 *
 * What was called, with which arguments, comes from the World's recorded
 * inputs (they hold the structured call, send's bytes included); what each
 * call got comes from the trace's call records. A comment before each call
 * gives the virtual time the session made it at and its observed result.
 *
 * Pure: no I/O, no clock, no randomness.
 */
import type { Call } from '../sockets/host';
import { ipToString } from '../tcp/segment';
import type { CallRecord, Side } from '../sim/trace';
import type { World } from '../sim/world';

/** One socket call a side made in the session, with the record of its return (null: still blocked). */
export interface SessionCall {
  readonly side: Side;
  readonly call: Call;
  /** When it was made (virtual ms). */
  readonly start: number;
  readonly result: CallRecord | null;
}

/**
 * The calls `side` made, in the order it made them, each matched with the
 * trace record of its return: the record whose `request` is that very call
 * (so calls that return out of order, on two sockets at once, still find
 * their own).
 */
export function sessionCalls(world: World, side: Side): SessionCall[] {
  const records = world.trace.records.filter(
    (r): r is CallRecord => r.kind === 'call' && r.side === side,
  );
  const taken = new Array<boolean>(records.length).fill(false);
  const out: SessionCall[] = [];
  for (const input of world.inputs) {
    const a = input.action;
    if (a.kind !== 'call' || a.side !== side) continue;
    let result: CallRecord | null = null;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      // A call record carries the very call of its input.
      if (taken[i] || r.request !== a.call) continue;
      taken[i] = true;
      result = r;
      break;
    }
    out.push({ side, call: a.call, start: input.t, result });
  }
  return out;
}

// ------------------------------------------------------------------ C text

const isHexDigit = (c: string): boolean => /^[0-9a-fA-F]/.test(c);

/** The C escape of each byte: \n, \t, \r, \", \\, \xNN for the unprintable, \? after a ? (no trigraphs). */
function escapes(bytes: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 10) out.push('\\n');
    else if (b === 9) out.push('\\t');
    else if (b === 13) out.push('\\r');
    else if (b === 34) out.push('\\"');
    else if (b === 92) out.push('\\\\');
    else if (b === 63) out.push(i > 0 && bytes[i - 1] === 63 ? '\\?' : '?');
    else if (b >= 32 && b < 127) out.push(String.fromCharCode(b));
    else out.push(`\\x${b.toString(16).padStart(2, '0')}`);
  }
  return out;
}

/**
 * The bytes as C string literals, one per line of at most about `width`
 * characters (a line also ends after a \n once it is half full). Within a line, a hex escape
 * followed by a hex digit is split into two adjacent literals ("\x01" "A"),
 * since C would otherwise read the digit as part of the escape.
 */
export function cStringLines(bytes: ArrayLike<number>, width = Number.POSITIVE_INFINITY): string[] {
  const lines: string[] = [];
  let cur = '"';
  let prevHex = false;
  const endLine = (): void => {
    lines.push(cur + '"');
    cur = '"';
    prevHex = false;
  };
  for (const e of escapes(bytes)) {
    if (cur.length > 1 && cur.length + e.length + 1 > width) endLine();
    if (prevHex && isHexDigit(e)) cur += '" "';
    cur += e;
    prevHex = e.startsWith('\\x');
    // With a width, a line also ends after a newline in the data (once it is half full).
    if (e === '\\n' && cur.length + 1 > width / 2) endLine();
  }
  if (cur.length > 1 || lines.length === 0) endLine();
  return lines;
}

/** The bytes as one C string literal (adjacent literals where a hex escape must end early). */
export function cStringLiteral(bytes: ArrayLike<number>): string {
  return cStringLines(bytes).join(' ');
}

/** Text safe inside a C block comment. */
const commentSafe = (s: string): string => s.replaceAll('*/', '* /').replaceAll('/*', '/ *');

/** "a", "a and b", "a, b and c". */
function listText(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/** A short quotation of data for a comment. */
function quoteForComment(data: Uint8Array): string {
  const max = 40;
  const lit = cStringLiteral(data.subarray(0, max));
  return commentSafe(data.length > max ? `${lit}... (${data.length} bytes)` : lit);
}

/** Virtual ms as seconds: three decimals, more when the instant needs them (up to µs). */
export function cTime(ms: number): string {
  let s = (ms / 1000).toFixed(6);
  while (s.endsWith('0') && s.length - s.indexOf('.') > 4) s = s.slice(0, -1);
  return s;
}

// ------------------------------------------------------------------ the program

const INCLUDES = [
  'stdio.h',
  'stdlib.h',
  'string.h',
  'unistd.h',
  'errno.h',
  'arpa/inet.h',
  'sys/socket.h',
  'netinet/in.h',
];

/** Literals longer than this go into a named array before the send(). */
const INLINE_LITERAL_MAX = 60;

type Role = 'lfd' | 'cfd' | 'fd';

class Writer {
  readonly lines: string[] = [];
  private depth = 1;
  line(s = ''): void {
    this.lines.push(s === '' ? '' : '    '.repeat(this.depth) + s);
  }
  open(s: string): void {
    this.line(s);
    this.depth++;
  }
  close(s = '}'): void {
    this.depth--;
    this.line(s);
  }
  /** A block comment, its words wrapped to 80 columns. */
  comment(text: string): void {
    const width = 80 - 4 * this.depth - 3;
    const lines: string[] = [];
    let cur = '';
    for (const word of text.split(' ')) {
      if (cur !== '' && cur.length + 1 + word.length > width) {
        lines.push(cur);
        cur = word;
      } else cur = cur === '' ? word : `${cur} ${word}`;
    }
    lines.push(cur);
    lines.forEach((l, i) =>
      this.line(`${i === 0 ? '/* ' : '   '}${l}${i === lines.length - 1 ? ' */' : ''}`),
    );
  }
  /** Close a block and open the next on the same line: "} else {". */
  next(s: string): void {
    this.depth--;
    this.line(s);
    this.depth++;
  }
}

/** What a call got, for its comment: "returned 4", "blocked until t=0.150 s, then returned 0". */
function observed(c: SessionCall): string {
  const r = c.result;
  const at = `t=${cTime(c.start)} s`;
  if (!r) return `${at}: still blocked when the session ended (it never returned)`;
  let what = `returned ${r.ret}`;
  if (r.errno !== null) what += ` (${r.errno})`;
  else if (r.call === 'recv' && r.data) {
    what += r.ret === 0 ? ' (end of stream)' : `: ${quoteForComment(r.data)}`;
  }
  return r.t > r.start ? `${at}: blocked until t=${cTime(r.t)} s, then ${what}` : `${at}: ${what}`;
}

/** The name a C program would call this call by in prose: "accept(lfd)". */
const callShort = (c: SessionCall, fdName: (fd: number) => string): string =>
  c.call.name === 'socket' ? 'socket()' : `${c.call.name}(${fdName(c.call.fd)})`;

function header(world: World, side: Side): string[] {
  const client = ipToString(world.client.ip);
  const server = ipToString(world.server.ip);
  const self = side === 'client' ? client : server;
  return [
    '/*',
    ` * The ${side} (${self}) of a session in TCP Playground, as a C program.`,
    ' *',
    ` * Client ${client}, server ${server}. Generated from the session in TCP`,
    ` * Playground: the socket calls the ${side} made, in the order it made them.`,
    ' * The comment before each call gives the virtual time the session made it at',
    ' * and the result it got there. Each call blocks until it returns, as in the',
    ' * session, so the program goes on to the next call only once it has.',
    ' */',
  ];
}

/** One side of the session as a complete C program. */
export function cProgram(world: World, side: Side): string {
  const calls = sessionCalls(world, side);
  const needSignal = calls.some((c) => c.call.name === 'send' && c.result?.errno === 'EPIPE');
  const out: string[] = [...header(world, side), ''];
  for (const inc of INCLUDES) out.push(`#include <${inc}>`);
  if (needSignal) out.push('#include <signal.h>');
  out.push('', 'int main(void)', '{');
  const w = new Writer();

  if (calls.length === 0) {
    w.line(`/* The ${side} made no socket calls in this session. */`);
    w.line('return 0;');
    out.push(...w.lines, '}', '');
    return out.join('\n');
  }

  // Names: a socket that listen() is called on is lfd, one accept() returned is
  // cfd, any other fd; the second of each kind lfd2, cfd2, fd2, and so on.
  const roleOfSocket = new Map<number, Role>();
  calls.forEach((c, i) => {
    if (c.call.name !== 'socket' || !c.result || c.result.ret < 0) return;
    const fd = c.result.ret;
    const listens = calls.slice(i + 1).some((d) => d.call.name === 'listen' && d.call.fd === fd);
    roleOfSocket.set(i, listens ? 'lfd' : 'fd');
  });
  const counts: Record<Role, number> = { lfd: 0, cfd: 0, fd: 0 };
  const newName = (role: Role): string => {
    const n = ++counts[role];
    return n === 1 ? role : `${role}${n}`;
  };
  const names = new Map<number, string>();
  const fdName = (fd: number): string => names.get(fd) ?? String(fd);
  const open: string[] = [];

  const declared = new Set<string>();
  /** `decl` the first time (a declaration), `assign` after. */
  const once = (key: string, decl: string, assign: string | null = null): void => {
    if (!declared.has(key)) {
      declared.add(key);
      w.line(decl);
    } else if (assign !== null) w.line(assign);
  };
  let opt: number | null = null;
  let lingerValue: string | null = null;
  let msgs = 0;
  const bufLen = Math.max(
    1024,
    ...calls.map((c) => (c.call.name === 'recv' ? (c.call.len ?? 1024) : 0)),
  );

  if (needSignal) {
    w.comment(
      'In the session a send() failed with EPIPE: ignore SIGPIPE, which would ' +
        'otherwise end the program before send() could return -1.',
    );
    w.line('signal(SIGPIPE, SIG_IGN);');
    w.line();
  }

  let endedInError = false;
  calls.forEach((c, i) => {
    const r = c.result;
    const last = i === calls.length - 1;
    const failed = r !== null && r.ret === -1;
    w.line(`/* ${observed(c)} */`);
    const overlapping = calls
      .slice(0, i)
      .filter((d) => d.result === null || d.result.t > c.start)
      .map((d) => callShort(d, fdName));
    if (overlapping.length > 0)
      w.comment(
        `In the session this call was made while ${listText(overlapping)} above ` +
          `${overlapping.length > 1 ? 'were' : 'was'} still blocked. Here it waits its turn: ` +
          'a real program doing both at once would use a second thread, or poll().',
      );

    /** The -1 branch: perror, then exit — or, where the call failed in the session, go on. */
    const onError = (what: string): boolean => {
      if (!failed) {
        w.line(`perror("${what}");`);
        w.line('exit(1);');
        return true;
      }
      const errno = r?.errno ?? '?';
      if (!last) {
        w.line(`perror("${what}"); /* observed: ${errno}; the session went on */`);
        return false;
      }
      w.line(`perror("${what}"); /* observed: ${errno} */`);
      for (const name of open) w.line(`close(${name});`);
      w.line('return 1;');
      endedInError = true;
      return true;
    };
    /** `if (cond) { error }`: true when the error branch leaves main. */
    const check = (cond: string, what: string): boolean => {
      w.open(`if (${cond}) {`);
      const leaves = onError(what);
      w.close();
      return leaves;
    };
    const plain = (expr: string): void => {
      check(`${expr} == -1`, c.call.name);
    };

    const call = c.call;
    switch (call.name) {
      case 'socket': {
        const name = newName(roleOfSocket.get(i) ?? 'fd');
        w.line(`int ${name} = socket(AF_INET, SOCK_STREAM, 0);`);
        check(`${name} == -1`, 'socket');
        if (r && r.ret >= 0) {
          names.set(r.ret, name);
          open.push(name);
        }
        break;
      }
      case 'setsockopt': {
        const fd = fdName(call.fd);
        if (call.opt === 'SO_REUSEADDR') {
          const v = call.value ? 1 : 0;
          if (opt !== v) once('opt', `int opt = ${v};`, `opt = ${v};`);
          opt = v;
          plain(`setsockopt(${fd}, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof opt)`);
        } else {
          const onoff = call.onoff ? 1 : 0;
          const value = `${onoff}, ${call.linger}`;
          if (!declared.has('lg')) {
            declared.add('lg');
            w.line(`struct linger lg = { .l_onoff = ${onoff}, .l_linger = ${call.linger} };`);
          } else if (lingerValue !== value) {
            w.line(`lg.l_onoff = ${onoff};`);
            w.line(`lg.l_linger = ${call.linger};`);
          }
          lingerValue = value;
          if (call.onoff && call.linger === 0)
            w.line('/* SO_LINGER {1, 0}: close() will abort the connection with a RST. */');
          plain(`setsockopt(${fd}, SOL_SOCKET, SO_LINGER, &lg, sizeof lg)`);
        }
        break;
      }
      case 'bind': {
        once('addr', 'struct sockaddr_in addr;');
        w.line('memset(&addr, 0, sizeof addr);');
        w.line('addr.sin_family = AF_INET;');
        w.line('addr.sin_addr.s_addr = htonl(INADDR_ANY);');
        w.line(
          `addr.sin_port = htons(${call.port});${call.port === 0 ? ' /* 0: the kernel picks a port */' : ''}`,
        );
        plain(`bind(${fdName(call.fd)}, (struct sockaddr *)&addr, sizeof addr)`);
        break;
      }
      case 'listen':
        plain(`listen(${fdName(call.fd)}, ${call.backlog ?? 128})`);
        break;
      case 'accept': {
        once('cli', 'struct sockaddr_in cli;');
        once('ip', 'char ip[INET_ADDRSTRLEN];');
        once('len', 'socklen_t len = sizeof cli;', 'len = sizeof cli;');
        const name = newName('cfd');
        w.line(`int ${name} = accept(${fdName(call.fd)}, (struct sockaddr *)&cli, &len);`);
        const leaves = check(`${name} == -1`, 'accept');
        const print = (): void => {
          w.line('printf("accepted a connection from %s:%d\\n",');
          w.line('       inet_ntop(AF_INET, &cli.sin_addr, ip, sizeof ip), ntohs(cli.sin_port));');
        };
        if (leaves) print();
        else {
          w.open('else {');
          print();
          w.close();
        }
        if (r && r.ret >= 0) {
          names.set(r.ret, name);
          open.push(name);
        }
        break;
      }
      case 'connect': {
        once('addr', 'struct sockaddr_in addr;');
        w.line('memset(&addr, 0, sizeof addr);');
        w.line('addr.sin_family = AF_INET;');
        w.line(`addr.sin_port = htons(${call.port});`);
        w.line(`inet_pton(AF_INET, "${ipToString(call.ip)}", &addr.sin_addr);`);
        plain(`connect(${fdName(call.fd)}, (struct sockaddr *)&addr, sizeof addr)`);
        break;
      }
      case 'send': {
        const lines = cStringLines(call.data, 72);
        let data: string;
        if (lines.length === 1 && lines[0]!.length <= INLINE_LITERAL_MAX) data = lines[0]!;
        else {
          data = ++msgs === 1 ? 'msg' : `msg${msgs}`;
          w.line(`static const char ${data}[] =`);
          lines.forEach((l, k) => w.line(`    ${l}${k === lines.length - 1 ? ';' : ''}`));
        }
        plain(`send(${fdName(call.fd)}, ${data}, ${call.data.length}, 0)`);
        break;
      }
      case 'recv': {
        once('buf', bufLen > 65536 ? `static char buf[${bufLen}];` : `char buf[${bufLen}];`);
        const len = call.len ?? 1024;
        const expr = `recv(${fdName(call.fd)}, buf, ${len === bufLen ? 'sizeof buf' : len}, 0);`;
        once('n', `ssize_t n = ${expr}`, `n = ${expr}`);
        w.open('if (n == -1) {');
        const leaves = onError('recv');
        if (leaves) {
          w.close();
          w.open('if (n == 0) {');
        } else w.next('} else if (n == 0) {');
        w.line('printf("recv: end of stream (the peer closed its side)\\n");');
        w.next('} else {');
        w.line('printf("recv: %zd bytes: %.*s\\n", n, (int)n, buf);');
        w.close();
        break;
      }
      case 'shutdown':
        plain(`shutdown(${fdName(call.fd)}, ${call.how})`);
        break;
      case 'close': {
        const name = fdName(call.fd);
        const k = open.indexOf(name);
        if (k >= 0) open.splice(k, 1);
        plain(`close(${name})`);
        break;
      }
    }
    w.line();
  });

  const blocked = calls.filter((c) => c.result === null).map((c) => callShort(c, fdName));
  if (blocked.length > 0) w.comment(`The session ended with ${listText(blocked)} still blocked.`);
  if (open.length > 0 && !endedInError)
    w.comment(
      `The session ended here, with ${listText(open)} still open ` +
        `(exit closes ${open.length > 1 ? 'them' : 'it'}).`,
    );
  w.line('return 0;');
  out.push(...w.lines, '}', '');
  return out.join('\n');
}

/** The session as two C programs, one per side. */
export function cPrograms(world: World): { client: string; server: string } {
  return { client: cProgram(world, 'client'), server: cProgram(world, 'server') };
}
