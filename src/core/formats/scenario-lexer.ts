/**
 * The scenario lexer: one line of a file as tokens (words, strings with their
 * bytes, punctuation), its comment, and a cursor over the tokens for the
 * parser. Whitespace other than space, tab and CR is refused here, with its
 * line, column and name; error messages cut long tokens (`clip`).
 *
 * Pure: no I/O, no clock, no randomness.
 */
import { ScenarioError } from './scenario-ast';

// ------------------------------------------------------------------ quoting

/** Tokens longer than this are cut when an error message quotes them. */
export const MAX_QUOTED = 40;

/**
 * `text` as an error message may quote it: whole if short, else its first
 * MAX_QUOTED characters, an ellipsis and its length (`abc…(1,048,576 characters)`),
 * so a huge bad token does not make a huge message.
 */
export function clip(text: string, max = MAX_QUOTED): string {
  if (text.length <= max) return text;
  // Do not cut a surrogate pair in two.
  const cut = /[\ud800-\udbff]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, cut)}…(${text.length.toLocaleString('en-US')} characters)`;
}

// ------------------------------------------------------------------ strings

const ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  t: 9,
  r: 13,
  '0': 0,
  '\\': 92,
  '"': 34,
};

function utf8(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

// ------------------------------------------------------------------ lexing

/** Whitespace as JavaScript's `\s` knows it. Only space, tab, CR (and LF between lines) may be used. */
const WHITESPACE = /\s/;
/** What ends a word: whitespace of any kind (the odd kinds are then refused), or punctuation. */
const WORD_END = /[\s()",=#]/;

/** Names of the whitespace characters other than space, tab, CR and LF. */
const SPACE_NAMES: Readonly<Record<number, string>> = {
  0x0b: 'vertical tab',
  0x0c: 'form feed',
  0xa0: 'no-break space',
  0x1680: 'ogham space mark',
  0x2000: 'en quad',
  0x2001: 'em quad',
  0x2002: 'en space',
  0x2003: 'em space',
  0x2004: 'three-per-em space',
  0x2005: 'four-per-em space',
  0x2006: 'six-per-em space',
  0x2007: 'figure space',
  0x2008: 'punctuation space',
  0x2009: 'thin space',
  0x200a: 'hair space',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x202f: 'narrow no-break space',
  0x205f: 'medium mathematical space',
  0x3000: 'ideographic space',
  0xfeff: 'byte order mark',
};

/** `U+00A0 no-break space is not allowed here; use a plain space`. */
function oddSpaceMessage(c: string): string {
  const cp = c.codePointAt(0)!;
  const name = SPACE_NAMES[cp] ?? 'whitespace';
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const use =
    cp === 0x2028 || cp === 0x2029 || cp === 0x0b || cp === 0x0c
      ? 'use a plain space, or a line break (LF or CR LF) to end the line'
      : cp === 0xfeff
        ? 'a byte order mark may only start the file'
        : 'use a plain space';
  return `${code} ${name} is not allowed here; ${use}`;
}

export type TokType = 'word' | 'string' | '(' | ')' | ',' | '=' | '=>';

export interface Tok {
  readonly type: TokType;
  readonly text: string;
  /** 1-based column of the first character. */
  readonly col: number;
  /** 1-based column just past the token. */
  readonly end: number;
  /** The bytes of a string token. */
  readonly bytes?: number[];
}

export const describeTok = (t: Tok | undefined): string =>
  t === undefined
    ? 'end of line'
    : t.type === 'string'
      ? `a string`
      : t.type === 'word'
        ? `'${clip(t.text)}'`
        : `'${t.type}'`;

export class LineParser {
  private toks: Tok[] = [];
  private pos = 0;
  comment: string | null = null;

  constructor(
    private readonly file: string,
    readonly lineNo: number,
    readonly src: string,
  ) {
    this.lex();
  }

  fail(col: number, message: string): never {
    throw new ScenarioError(this.file, this.lineNo, col, message, this.src);
  }

  private lex(): void {
    const s = this.src;
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
      } else if (WHITESPACE.test(c)) {
        // Any other whitespace would end a word without being skipped: refuse it.
        this.fail(i + 1, oddSpaceMessage(c));
      } else if (c === '#') {
        this.comment = s.slice(i + 1);
        return;
      } else if (c === '"') {
        i = this.lexString(i);
      } else if (c === '(' || c === ')' || c === ',') {
        this.toks.push({ type: c, text: c, col: i + 1, end: i + 2 });
        i++;
      } else if (c === '=') {
        if (s[i + 1] === '>') {
          this.toks.push({ type: '=>', text: '=>', col: i + 1, end: i + 3 });
          i += 2;
        } else {
          this.toks.push({ type: '=', text: '=', col: i + 1, end: i + 2 });
          i++;
        }
      } else {
        let j = i;
        while (j < s.length && !WORD_END.test(s[j]!)) j++;
        this.toks.push({ type: 'word', text: s.slice(i, j), col: i + 1, end: j + 1 });
        i = j;
      }
    }
  }

  private lexString(start: number): number {
    const s = this.src;
    const bytes: number[] = [];
    let i = start + 1;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '"') {
        this.toks.push({
          type: 'string',
          text: s.slice(start, i + 1),
          col: start + 1,
          end: i + 2,
          bytes,
        });
        return i + 1;
      }
      if (c === '\\') {
        const e = s[i + 1];
        if (e === undefined) break;
        if (e === 'x') {
          const hex = s.slice(i + 2, i + 4);
          if (!/^[0-9a-fA-F]{2}$/.test(hex))
            this.fail(i + 1, `bad escape '\\x${hex}' in string: \\x takes two hex digits`);
          bytes.push(parseInt(hex, 16));
          i += 4;
          continue;
        }
        const b = ESCAPES[e];
        if (b === undefined)
          this.fail(
            i + 1,
            `bad escape '\\${e}' in string (use \\n, \\t, \\r, \\0, \\\\, \\" or \\xNN)`,
          );
        bytes.push(b);
        i += 2;
        continue;
      }
      const cp = s.codePointAt(i)!;
      bytes.push(...utf8(cp));
      i += cp > 0xffff ? 2 : 1;
    }
    return this.fail(start + 1, 'unterminated string (a string ends with " on the same line)');
  }

  // ---------------------------------------------------------- cursor

  get empty(): boolean {
    return this.toks.length === 0;
  }

  peek(offset = 0): Tok | undefined {
    return this.toks[this.pos + offset];
  }

  next(): Tok | undefined {
    return this.toks[this.pos++];
  }

  /** Column where the next token is, or just past the last one. */
  get col(): number {
    const t = this.peek();
    if (t) return t.col;
    const last = this.toks[this.toks.length - 1];
    return last ? last.end : 1;
  }

  /** The next token, which must be a word; `what` says what was expected. */
  word(what: string): Tok {
    const t = this.peek();
    if (t?.type !== 'word') this.fail(this.col, `expected ${what}, got ${describeTok(t)}`);
    this.pos++;
    return t;
  }

  /** Nothing may follow. */
  end(after: string): void {
    const t = this.peek();
    if (t) this.fail(t.col, `unexpected ${describeTok(t)} after ${after}`);
  }
}
