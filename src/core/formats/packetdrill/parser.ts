/**
 * The packetdrill parser: the header options and one event per line (a
 * `%{ … }%` block may run over several). Recursive descent over the lexer's
 * tokens, one token of lookahead; every error names the file, line and column.
 *
 * Pure: no I/O, no clock, no randomness.
 */
import { clip } from '../scenario-lexer';
import {
  PktSyntaxError,
  type PktEvent,
  type PktExpr,
  type PktInstant,
  type PktOption,
  type PktPacket,
  type PktScript,
  type PktSyscall,
  type PktTcpOption,
  type PktTiming,
} from './ast';
import { lex, type Tok } from './lexer';

/** The flag letters a segment line may use; `.` is ACK. */
const FLAG_LETTERS = 'SFRPEWU.';
/** The largest number in a header field (sequence numbers, windows, option values). */
const U32_MAX = 0xffff_ffff;
/** How deep `[...]` and `{...}` may nest in a call's arguments. */
const MAX_NESTING = 8;
/** The latest time a script may name: a day, in microseconds. */
const MAX_USECS = 86_400 * 1_000_000;

export function parsePacketdrill(src: string, file = 'script.pkt'): PktScript {
  const toks = lex(src, file);
  const options: PktOption[] = [];
  const events: PktEvent[] = [];
  let i = 0;
  while (i < toks.length) {
    // One line's tokens.
    let j = i;
    while (j < toks.length && toks[j]!.kind !== 'nl') j++;
    if (j > i) {
      const p = new LineParser(src, file, toks, i, j);
      const first = toks[i]!;
      if (first.kind === 'option') {
        if (events.length > 0)
          p.fail(first, `header option ${clip(first.text)} after the first event`);
        options.push(p.option());
      } else events.push(p.event());
    }
    i = j + 1;
  }
  return { options, events };
}

class LineParser {
  private i: number;
  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly toks: readonly Tok[],
    from: number,
    private readonly to: number,
  ) {
    this.i = from;
  }

  fail(t: Tok | undefined, msg: string): never {
    const at = t ?? this.toks[this.to - 1]!;
    const col = t ? at.col : at.col + (at.end - at.pos);
    throw new PktSyntaxError(this.file, at.line, col, msg);
  }

  private peek(k = 0): Tok | undefined {
    return this.i + k < this.to ? this.toks[this.i + k] : undefined;
  }
  private next(what: string): Tok {
    const t = this.peek();
    if (!t) this.fail(undefined, `expected ${what} at the end of the line`);
    this.i++;
    return t;
  }
  private is(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t !== undefined && (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }
  private expect(text: string, what = `'${text}'`): Tok {
    const t = this.next(what);
    if ((t.kind !== 'punct' && t.kind !== 'ident') || t.text !== text)
      this.fail(t, `expected ${what}, found '${clip(t.text)}'`);
    return t;
  }
  private end(): void {
    const t = this.peek();
    if (t) this.fail(t, `unexpected '${clip(t.text)}' at the end of the event`);
  }

  /** An unsigned integer (decimal or 0x hex) no larger than `max`. */
  private uint(what: string, max = U32_MAX): number {
    const t = this.next(what);
    if (t.kind !== 'num' || t.text.includes('.'))
      this.fail(t, `expected ${what} (a whole number), found '${clip(t.text)}'`);
    const v = Number(t.text);
    if (!Number.isSafeInteger(v) || v > max) this.fail(t, `${what} ${clip(t.text)} is over ${max}`);
    return v;
  }

  // ---------------------------------------------------------------- header

  option(): PktOption {
    const t = this.next('an option');
    const m = /^--([A-Za-z0-9_]+)(?:=(.*))?$/.exec(t.text);
    if (!m)
      this.fail(t, `malformed header option '${clip(t.text)}' (expected --name or --name=value)`);
    this.end();
    return { name: m[1]!, value: m[2] ?? null, line: t.line };
  }

  // ---------------------------------------------------------------- events

  event(): PktEvent {
    const first = this.peek()!;
    const text = this.lineText();
    const time = this.timing();
    const t = this.peek();
    const base: Base = { line: first.line, column: first.col, time, text };
    if (!t) this.fail(undefined, 'expected an event after the time');
    if (t.kind === 'punct' && (t.text === '<' || t.text === '>')) return this.packet(base);
    if (t.kind === 'shell') {
      this.i++;
      this.end();
      return { kind: 'shell', ...base, command: t.text };
    }
    if (t.kind === 'python') {
      this.i++;
      this.end();
      return { kind: 'python', ...base, code: t.text };
    }
    if (t.kind === 'ident' && this.is('(', 1)) return this.syscall(base);
    return this.fail(
      t,
      `expected a segment (< or >), a system call, a \`shell command\` or %{ python }%, found '${clip(t.text)}'`,
    );
  }

  /** The event's source text, from its time to its last token. */
  private lineText(): string {
    const a = this.toks[this.i]!;
    const b = this.toks[this.to - 1]!;
    return this.src.slice(a.pos, b.end);
  }

  private timing(): PktTiming {
    if (this.is('*')) {
      this.i++;
      return { any: true, start: { relative: false, usecs: 0 }, range: null, until: null };
    }
    const start = this.instant();
    let range: PktInstant | null = null;
    let until: PktInstant | null = null;
    if (this.is('~')) {
      this.i++;
      range = this.instant();
    } else if (
      this.is('...') &&
      this.peek(1) &&
      (this.is('+', 1) || this.peek(1)!.kind === 'num')
    ) {
      this.i++;
      until = this.instant();
    }
    return { any: false, start, range, until };
  }

  private instant(): PktInstant {
    const relative = this.is('+');
    if (relative) this.i++;
    const t = this.next('a time');
    if (t.kind !== 'num' || t.text.startsWith('0x'))
      this.fail(t, `expected a time (seconds, like 0.100 or +0.1), found '${clip(t.text)}'`);
    const usecs = Math.round(Number(t.text) * 1_000_000);
    if (!Number.isFinite(usecs) || usecs > MAX_USECS)
      this.fail(t, `time ${clip(t.text)} is later than a day`);
    return { relative, usecs };
  }

  // ---------------------------------------------------------------- segments

  private packet(base: Base): PktPacket {
    const dir = this.next('< or >');
    let tos: string | null = null;
    if (this.is('[')) {
      this.i++;
      const t = this.next('an IP marking');
      if (t.kind !== 'ident')
        this.fail(t, `expected an IP marking like ect0, found '${clip(t.text)}'`);
      tos = t.text;
      this.expect(']');
    }
    let flags = '';
    let flagTok: Tok | undefined;
    for (;;) {
      const t = this.peek();
      if (!t || (t.kind !== 'ident' && !(t.kind === 'punct' && t.text === '.'))) break;
      flagTok ??= t;
      for (const ch of t.text)
        if (!FLAG_LETTERS.includes(ch))
          this.fail(
            t,
            `unknown flag '${ch}' in '${clip(t.text)}' (flags: S F R P E W U and . for ACK)`,
          );
      flags += t.text;
      this.i++;
    }
    if (flags === '')
      this.fail(this.peek(), 'expected the flags of the segment (S, F, R, P, ., …)');
    const seqTok = this.peek();
    let seq: number | null = null;
    let end: number | null = null;
    if (this.is('...')) this.i++;
    else {
      seq = this.uint('the first sequence number');
      this.expect(':', "':' (seq:end(len))");
      end = this.uint('the end sequence number');
    }
    this.expect('(', "'(' (seq:end(len))");
    const len = this.uint('the payload length', 0xffff);
    this.expect(')');
    if (seq !== null && (seq + len) % 2 ** 32 !== end)
      this.fail(seqTok, `${seq}:${end}(${len}): the end must be the start plus the length`);
    let ack: number | null = null;
    let win: number | null = null;
    let options: PktPacket['options'] = null;
    while (this.peek()) {
      const t = this.peek()!;
      if (t.kind === 'ident' && t.text === 'ack' && ack === null) {
        this.i++;
        ack = this.uint('the ack number');
      } else if (t.kind === 'ident' && t.text === 'win' && win === null) {
        this.i++;
        win = this.uint('the window', 0xffff);
      } else if (t.kind === 'punct' && t.text === '<' && options === null) {
        options = this.tcpOptions();
      } else
        this.fail(t, `unexpected '${clip(t.text)}' in a segment (expected ack, win or <options>)`);
    }
    return {
      kind: 'packet',
      ...base,
      direction: dir.text === '<' ? 'inbound' : 'outbound',
      tos,
      flags,
      seq,
      end,
      len,
      ack,
      win,
      options,
    };
  }

  private tcpOptions(): readonly PktTcpOption[] | 'any' {
    this.expect('<');
    if (this.is('...')) {
      this.i++;
      this.expect('>', "'>' after <...");
      return 'any';
    }
    const list: PktTcpOption[] = [];
    for (;;) {
      const t = this.next('a TCP option');
      if (t.kind !== 'ident') this.fail(t, `expected a TCP option, found '${clip(t.text)}'`);
      switch (t.text) {
        case 'nop':
        case 'eol':
        case 'sackOK':
          list.push({ kind: t.text });
          break;
        case 'mss':
          list.push({ kind: 'mss', value: this.uint('the MSS', 0xffff) });
          break;
        case 'wscale':
          list.push({ kind: 'wscale', value: this.uint('the window scale', 255) });
          break;
        case 'TS': {
          this.expect('val', "'val' (TS val N ecr N)");
          const val = this.uint('the timestamp value');
          this.expect('ecr', "'ecr' (TS val N ecr N)");
          list.push({ kind: 'TS', val, ecr: this.uint('the timestamp echo reply') });
          break;
        }
        case 'sack': {
          const blocks: [number, number][] = [];
          while (this.peek()?.kind === 'num') {
            const l = this.uint('a SACK block start');
            this.expect(':', "':' in a SACK block");
            blocks.push([l, this.uint('a SACK block end')]);
            if (blocks.length > 4) this.fail(this.peek(), 'more than four SACK blocks');
          }
          if (blocks.length === 0) this.fail(this.peek(), 'expected SACK blocks (start:end …)');
          list.push({ kind: 'sack', blocks });
          break;
        }
        default:
          this.fail(
            t,
            `unknown TCP option '${clip(t.text)}' (known: nop, eol, mss, wscale, sackOK, sack, TS)`,
          );
      }
      if (list.length > 40) this.fail(t, 'more than 40 TCP options');
      if (this.is('>')) {
        this.i++;
        return list;
      }
      this.expect(',', "',' or '>' in the options");
    }
  }

  // ---------------------------------------------------------------- calls

  private syscall(base: Base): PktSyscall {
    const name = this.next('a call').text;
    this.expect('(');
    const args: PktExpr[] = [];
    if (this.is(')')) this.i++;
    else
      for (;;) {
        args.push(this.expr(0));
        if (this.is(')')) {
          this.i++;
          break;
        }
        this.expect(',', "',' or ')' in the arguments");
      }
    this.expect('=', "'=' and the expected result");
    const result = this.expr(0);
    let errno: string | null = null;
    let note: string | null = null;
    const t = this.peek();
    if (t && t.kind === 'ident') {
      if (!/^E[A-Z0-9]+$/.test(t.text))
        this.fail(t, `expected an errno name like EAGAIN, found '${clip(t.text)}'`);
      errno = t.text;
      this.i++;
    }
    if (this.is('(')) {
      // A note in words: its text as written, up to the matching parenthesis.
      const open = this.next('(');
      let depth = 1;
      let close: Tok | undefined;
      while (this.peek()) {
        const u = this.next(')');
        if (u.kind === 'punct' && u.text === '(') depth++;
        if (u.kind === 'punct' && u.text === ')' && --depth === 0) {
          close = u;
          break;
        }
      }
      if (!close) this.fail(open, "unclosed '(' in the note after the result");
      note = this.src.slice(open.end, close.pos).trim();
    }
    this.end();
    return { kind: 'syscall', ...base, name, args, result, errno, note };
  }

  private expr(depth: number): PktExpr {
    const first = this.term(depth);
    if (!this.is('|')) return first;
    const terms = [first];
    while (this.is('|')) {
      this.i++;
      terms.push(this.term(depth));
    }
    return { kind: 'or', terms };
  }

  private term(depth: number): PktExpr {
    const t = this.next('a value');
    if (t.kind === 'punct' && t.text === '...') return { kind: 'ellipsis' };
    if (t.kind === 'num' || (t.kind === 'punct' && t.text === '-' && this.peek()?.kind === 'num')) {
      const neg = t.kind === 'punct';
      const n = neg ? this.next('a number') : t;
      const v = Number(n.text);
      if (n.text.includes('.') || !Number.isSafeInteger(v))
        this.fail(n, `expected a whole number, found '${clip(n.text)}'`);
      return { kind: 'int', value: neg ? -v : v };
    }
    if (t.kind === 'ident') return { kind: 'name', name: t.text };
    if (t.kind === 'string') return { kind: 'string', value: t.text };
    if (t.kind === 'punct' && (t.text === '[' || t.text === '{')) {
      if (depth >= MAX_NESTING) this.fail(t, `brackets nested more than ${MAX_NESTING} deep`);
      const close = t.text === '[' ? ']' : '}';
      const items: { name: string | null; value: PktExpr }[] = [];
      while (!this.is(close)) {
        let name: string | null = null;
        if (t.text === '{' && this.peek()?.kind === 'ident' && this.is('=', 1)) {
          name = this.next('a field').text;
          this.i++;
        }
        items.push({ name, value: this.expr(depth + 1) });
        if (this.is(close)) break;
        this.expect(',', `',' or '${close}'`);
      }
      this.i++;
      return t.text === '['
        ? { kind: 'list', items: items.map((x) => x.value) }
        : { kind: 'struct', fields: items };
    }
    return this.fail(t, `expected a value, found '${clip(t.text)}'`);
  }
}

/** What every event has: where it is, when it happens, its text. */
interface Base {
  readonly line: number;
  readonly column: number;
  readonly time: PktTiming;
  readonly text: string;
}
