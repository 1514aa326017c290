/**
 * Metadata in scenario files: comment lines the scenario parser ignores, read
 * here for the gallery and the app.
 *
 *     # @title The three-way handshake
 *     # @title.zh 三次握手
 *     # @summary The server listens; the client connects. Watch the SYN,
 *     # @summary the SYN,ACK and the final ACK.
 *     # @summary.zh 服务器监听，客户端发起连接。……
 *     # @final client=ESTABLISHED server=ESTABLISHED
 *
 * A metadata line is a whole-line comment whose text starts with `@KEY`.
 * `@title` and `@title.zh` are given at most once; `@summary` and
 * `@summary.zh` may run over several lines, joined with spaces; `@final`
 * (once per side, on one line or several) says which state each side's
 * newest connection machine is in when the run is over, with the state names
 * of RFC 9293 as `STATES` spells them. A side `@final` leaves out is one that
 * never has a connection. Any other `@KEY` is an error.
 *
 * Pure: no I/O.
 */
import { stateOf } from '../tcp/endpoint-machine';
import { closeMatches } from './scenario';
import { STATES, type StateName } from '../tcp/tcb';
import { SIDES, type Side } from '../sim/trace';
import type { World } from '../sim/world';

export interface ScenarioMeta {
  title: { en: string; zh: string };
  summary: { en: string; zh: string };
  final: Partial<Record<Side, StateName>>;
}

export const META_KEYS = ['title', 'title.zh', 'summary', 'summary.zh', 'final'] as const;
export type MetaKey = (typeof META_KEYS)[number];

/** A malformed metadata line: `FILE:LINE: message` (or `line LINE: message`). */
export class ScenarioMetaError extends Error {
  override readonly name = 'ScenarioMetaError';
  constructor(
    readonly file: string | null,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file === null ? 'line ' : `${file}:`}${line}: ${detail}`);
  }
}

const META_LINE = /^\s*#\s*@(\S*)(.*)$/;

const quoteList = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]!}`;

function suggest(word: string, candidates: readonly string[]): string {
  const m = closeMatches(word, candidates);
  return m.length ? ` (did you mean ${quoteList(m)}?)` : '';
}

const isState = (s: string): s is StateName => (STATES as readonly string[]).includes(s);
const isSide = (s: string): s is Side => (SIDES as readonly string[]).includes(s);
const isKey = (s: string): s is MetaKey => (META_KEYS as readonly string[]).includes(s);

/**
 * The metadata of a scenario file. Fields it does not give are empty strings
 * (or, for `final`, absent). Throws a `ScenarioMetaError` naming the line for an
 * unknown `@KEY`, a malformed `@final`, an empty value, or a title or side
 * given twice.
 */
export function readMeta(text: string, file?: string): ScenarioMeta {
  const err = (line: number, detail: string) => new ScenarioMetaError(file ?? null, line, detail);
  const titles: Record<'en' | 'zh', { text: string; line: number } | null> = { en: null, zh: null };
  const summaries: Record<'en' | 'zh', string[]> = { en: [], zh: [] };
  const final: Partial<Record<Side, StateName>> = {};
  const finalLine: Partial<Record<Side, number>> = {};

  // A leading byte order mark is not part of the first line, as for parseScenario.
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  body.split(/\r?\n/).forEach((src, i) => {
    const line = i + 1;
    const m = META_LINE.exec(src);
    if (!m) return;
    const key = m[1]!;
    const value = m[2]!.trim();
    if (!isKey(key)) {
      const keys = META_KEYS.map((k) => `@${k}`);
      throw err(
        line,
        `unknown metadata key '@${key}'${suggest(`@${key}`, keys)}; expected ${quoteList(keys)}`,
      );
    }
    if (value === '') throw err(line, `@${key} needs a value`);
    switch (key) {
      case 'title':
      case 'title.zh': {
        const lang = key === 'title' ? 'en' : 'zh';
        const prev = titles[lang];
        if (prev) throw err(line, `@${key} given twice (first on line ${prev.line})`);
        titles[lang] = { text: value, line };
        return;
      }
      case 'summary':
      case 'summary.zh':
        summaries[key === 'summary' ? 'en' : 'zh'].push(value);
        return;
      case 'final':
        for (const tok of value.split(/\s+/)) {
          const eq = tok.indexOf('=');
          if (eq <= 0 || eq === tok.length - 1)
            throw err(
              line,
              `malformed @final '${tok}': expected SIDE=STATE, as in client=TIME_WAIT`,
            );
          const side = tok.slice(0, eq);
          const state = tok.slice(eq + 1);
          if (!isSide(side))
            throw err(
              line,
              `malformed @final '${tok}': unknown side '${side}'${suggest(side, SIDES)}; expected client or server`,
            );
          if (!isState(state))
            throw err(
              line,
              `malformed @final '${tok}': unknown state '${state}'${suggest(state, STATES)}; expected one of ${STATES.join(', ')}`,
            );
          const seen = finalLine[side];
          if (seen !== undefined)
            throw err(line, `@final gives ${side} twice (first on line ${seen})`);
          final[side] = state;
          finalLine[side] = line;
        }
        return;
    }
  });

  return {
    title: { en: titles.en?.text ?? '', zh: titles.zh?.text ?? '' },
    summary: { en: summaries.en.join(' '), zh: summaries.zh.join(' ') },
    final,
  };
}

/**
 * The state each side's newest connection machine (the last one its host
 * created: a listener's own machine counts, as does a connection a listener
 * started for a SYN) is in now; null for a side that never had one.
 */
export function finalStates(world: World): Record<Side, StateName | null> {
  const last = (side: Side): StateName | null => {
    const conns = world.host(side).conns;
    const c = conns[conns.length - 1];
    return c ? stateOf(c.snap) : null;
  };
  return { client: last('client'), server: last('server') };
}
