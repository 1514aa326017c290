/**
 * The packetdrill lexer: a script's text as tokens with their line, column and
 * offsets, newlines kept (an event is one line, but a `%{ … }%` block may run
 * over several). Comments (`//`, `/* … *\/`) go here, and the nplab `#ifdef`
 * lines: the `FreeBSD` branch is kept, any other named branch dropped.
 *
 * One pass over the characters, no backtracking; the input size is bounded.
 * Pure: no I/O, no clock, no randomness.
 */
import { clip } from '../scenario-lexer';
import { PktSyntaxError } from './ast';

/** The longest script accepted, in characters. */
export const MAX_SCRIPT_CHARS = 1_000_000;
/** How deep `#ifdef`s may nest. */
export const MAX_IFDEF_DEPTH = 16;
/** The `#ifdef` symbols taken as defined: we run the FreeBSD branches of the nplab scripts. */
export const DEFINED_SYMBOLS: ReadonlySet<string> = new Set(['FreeBSD']);

export type TokKind =
  | 'num'
  | 'ident'
  | 'punct'
  | 'string'
  /** `--name[=value]` at the start of a line. */
  | 'option'
  /** The text between backquotes. */
  | 'shell'
  /** The text between `%{` and `}%`. */
  | 'python'
  | 'nl';

export interface Tok {
  readonly kind: TokKind;
  readonly text: string;
  readonly line: number;
  readonly col: number;
  /** Offsets of the token in the source: [pos, end). */
  readonly pos: number;
  readonly end: number;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isIdStart = (c: string | undefined) => c !== undefined && /^[A-Za-z_]$/.test(c);
const isIdPart = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9_]$/.test(c);

export function lex(src: string, file: string): Tok[] {
  if (src.length > MAX_SCRIPT_CHARS)
    throw new PktSyntaxError(
      file,
      1,
      1,
      `the script is ${src.length.toLocaleString('en-US')} characters long; at most ${MAX_SCRIPT_CHARS.toLocaleString('en-US')} are read`,
    );
  const toks: Tok[] = [];
  let i = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  /** Whether each open `#ifdef` branch is taken. */
  const branches: boolean[] = [];
  const active = () => branches.every(Boolean);
  const fail = (at: number, atLine: number, atStart: number, msg: string): never => {
    throw new PktSyntaxError(file, atLine, at - atStart + 1, msg);
  };
  const push = (kind: TokKind, text: string, pos: number, end: number, l = line, ls = lineStart) =>
    toks.push({ kind, text, line: l, col: pos - ls + 1, pos, end });
  const newline = () => {
    push('nl', '\n', i, i + 1);
    i++;
    line++;
    lineStart = i;
  };
  const restOfLine = (from: number) => {
    const nl = src.indexOf('\n', from);
    return nl < 0 ? src.length : nl;
  };

  while (i < src.length) {
    // At the start of a line: a directive, a line of a dropped branch, or a header option.
    if (i === lineStart) {
      let j = i;
      while (src[j] === ' ' || src[j] === '\t') j++;
      if (src[j] === '#') {
        const end = restOfLine(j);
        const words = src
          .slice(j, end)
          .trim()
          .split(/[ \t]+/);
        const [directive, symbol] = words;
        if ((directive === '#ifdef' || directive === '#ifndef') && symbol && words.length === 2) {
          if (branches.length >= MAX_IFDEF_DEPTH)
            fail(j, line, lineStart, `#ifdef nested more than ${MAX_IFDEF_DEPTH} deep`);
          const defined = DEFINED_SYMBOLS.has(symbol);
          branches.push(directive === '#ifdef' ? defined : !defined);
        } else if (directive === '#else' && words.length === 1) {
          if (branches.length === 0) fail(j, line, lineStart, '#else without #ifdef');
          branches.push(!branches.pop()!);
        } else if (directive === '#endif' && words.length === 1) {
          if (branches.length === 0) fail(j, line, lineStart, '#endif without #ifdef');
          branches.pop();
        } else {
          fail(
            j,
            line,
            lineStart,
            `unknown directive '${clip(src.slice(j, end).trim())}' (known: #ifdef, #ifndef, #else, #endif)`,
          );
        }
        i = end;
        if (i < src.length) newline();
        continue;
      }
      if (!active()) {
        i = restOfLine(i);
        if (i < src.length) newline();
        continue;
      }
      if (src[j] === '-' && src[j + 1] === '-') {
        let end = j;
        while (end < src.length && !/\s/.test(src[end]!)) end++;
        push('option', src.slice(j, end), j, end);
        i = end;
        continue;
      }
    }
    const c = src[i]!;
    if (c === '\n') {
      newline();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '/' && src[i + 1] === '/') {
      i = restOfLine(i);
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) fail(start, line, lineStart, 'unterminated comment: /* without */');
      i += 2;
      while (i < close) {
        if (src[i] === '\n') newline();
        else i++;
      }
      i = close + 2;
      continue;
    }
    if (c === '`') {
      const close = src.indexOf('`', i + 1);
      const eol = restOfLine(i);
      if (close < 0 || close > eol)
        fail(
          start,
          line,
          lineStart,
          'unterminated shell command: ` without a closing ` on its line',
        );
      push('shell', src.slice(i + 1, close), start, close + 1);
      i = close + 1;
      continue;
    }
    if (c === '%' && src[i + 1] === '{') {
      const close = src.indexOf('}%', i + 2);
      if (close < 0) fail(start, line, lineStart, 'unterminated Python block: %{ without }%');
      const startLine = line;
      const startOfLine = lineStart;
      // Newlines inside the block belong to it: count them, emit none.
      for (let k = i; k < close; k++)
        if (src[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      toks.push({
        kind: 'python',
        text: src.slice(i + 2, close),
        line: startLine,
        col: start - startOfLine + 1,
        pos: start,
        end: close + 2,
      });
      i = close + 2;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"' && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      if (src[j] !== '"') fail(start, line, lineStart, 'unterminated string');
      push('string', src.slice(i + 1, j), start, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '0' && (src[i + 1] === 'x' || src[i + 1] === 'X') && isHex(src[i + 2])) {
      i += 2;
      while (isHex(src[i])) i++;
      push('num', src.slice(start, i), start, i);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1]))) {
      while (isDigit(src[i])) i++;
      // A fraction, unless the dot begins `...` (`1.00...6.00`).
      if (src[i] === '.' && src[i + 1] !== '.') {
        i++;
        while (isDigit(src[i])) i++;
      }
      push('num', src.slice(start, i), start, i);
      continue;
    }
    if (isIdStart(c)) {
      while (isIdPart(src[i])) i++;
      push('ident', src.slice(start, i), start, i);
      continue;
    }
    if (c === '.' && src[i + 1] === '.' && src[i + 2] === '.') {
      i += 3;
      push('punct', '...', start, i);
      continue;
    }
    // Any other character is punctuation; the parser says where it does not belong.
    const cp = src.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    push('punct', src.slice(start, i), start, i);
  }
  if (branches.length > 0) throw new PktSyntaxError(file, line, 1, '#ifdef without #endif');
  return toks;
}
