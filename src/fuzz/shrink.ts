/**
 * Shrinking a failing input to a small one that fails the same way.
 *
 * Scenario text: delta debugging over lines, then over the words of each
 * line, then halving long words, then over the characters of short lines.
 * Links and stored sessions: the input is lifted into a tree — a string that
 * holds JSON, or base64url of JSON (a run), or a URL with `#run=`, becomes a
 * node with the decoded value inside — and shrunk structurally: delta
 * debugging over arrays (a run's inputs), deleting object keys, numbers
 * towards 0, strings towards empty. The tree is written back (re-encoded) for
 * every test, so the shrunk link is still a link.
 *
 * Every step asks `fails(candidate)`, which runs it in the pool. A Budget caps
 * the number of tests and the wall time per finding.
 */
import { b64ToJson, jsonToB64 } from './gen';
import type { FuzzInput } from './target';

export class Budget {
  tests = 0;
  private readonly until: number;
  constructor(
    readonly maxTests: number,
    maxMs: number,
  ) {
    this.until = Date.now() + maxMs;
  }
  get spent(): boolean {
    return this.tests >= this.maxTests || Date.now() > this.until;
  }
}

export type Fails<T> = (candidate: T) => Promise<boolean>;

/** Delta debugging, simplified: remove chunks of halving size while the input still fails. */
export async function shrinkList<T>(
  items: readonly T[],
  fails: Fails<T[]>,
  b: Budget,
): Promise<T[]> {
  let cur = [...items];
  for (let chunk = Math.max(1, cur.length >> 1); ; chunk = Math.max(1, chunk >> 1)) {
    let removed = false;
    for (let start = 0; start < cur.length && !b.spent;) {
      const cand = [...cur.slice(0, start), ...cur.slice(start + chunk)];
      b.tests++;
      if (await fails(cand)) {
        cur = cand;
        removed = true;
      } else start += chunk;
    }
    if (b.spent || (chunk === 1 && !removed)) return cur;
    if (chunk === 1 && cur.length <= 1) return cur;
  }
}

/** Halve `s` (keeping its start) while it still fails. */
async function halve(s: string, fails: Fails<string>, b: Budget): Promise<string> {
  let cur = s;
  while (cur.length > 1 && !b.spent) {
    const cand = cur.slice(0, Math.ceil(cur.length / 2));
    b.tests++;
    if (!(await fails(cand))) break;
    cur = cand;
  }
  return cur;
}

// ------------------------------------------------------------------ scenario text

export async function shrinkText(text: string, fails: Fails<string>, b: Budget): Promise<string> {
  let lines = await shrinkList(text.split('\n'), (ls) => fails(ls.join('\n')), b);
  const at = (i: number, line: string) => lines.map((l, j) => (j === i ? line : l)).join('\n');
  for (let i = 0; i < lines.length; i++) {
    const words = await shrinkList(lines[i]!.split(' '), (ws) => fails(at(i, ws.join(' '))), b);
    for (let w = 0; w < words.length; w++) {
      if (words[w]!.length <= 8) continue;
      const line = (x: string) => words.map((v, k) => (k === w ? x : v)).join(' ');
      words[w] = await halve(words[w]!, (x) => fails(at(i, line(x))), b);
    }
    lines[i] = words.join(' ');
    if ([...lines[i]!].length <= 200) {
      const chars = await shrinkList([...lines[i]!], (cs) => fails(at(i, cs.join(''))), b);
      lines[i] = chars.join('');
    }
    lines = [...lines];
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ trees

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class JsonText {
  constructor(readonly v: Node) {}
}
class B64 {
  constructor(readonly v: Node) {}
}
class Joined {
  constructor(
    readonly prefix: string,
    readonly v: Node,
    readonly suffix: string,
  ) {}
}
type Node =
  null | boolean | number | string | Node[] | { [k: string]: Node } | JsonText | B64 | Joined;

const wrapped = (n: Node): n is JsonText | B64 | Joined =>
  n instanceof JsonText || n instanceof B64 || n instanceof Joined;

function liftString(s: string): Node {
  if (/^\s*[[{]/.test(s)) {
    try {
      return new JsonText(liftValue(JSON.parse(s) as Json));
    } catch {
      // not JSON after all
    }
  }
  const b = b64ToJson(s);
  if (b !== undefined) return new B64(liftValue(b));
  // A link: the run is the `run=` parameter of its fragment.
  const m = /^([^#]*#(?:[^&]*&)*run=)([^&]*)(.*)$/s.exec(s);
  if (m) return new Joined(m[1]!, liftString(m[2]!), m[3]!);
  return s;
}

function liftValue(v: Json): Node {
  if (typeof v === 'string') return liftString(v);
  if (Array.isArray(v)) return v.map(liftValue);
  if (v && typeof v === 'object') {
    const o: { [k: string]: Node } = {};
    for (const k of Object.keys(v)) o[k] = liftValue(v[k]!);
    return o;
  }
  return v;
}

/** A value as the text it stands for (a string as itself, anything else as JSON). */
const asText = (v: Json | undefined): string => (typeof v === 'string' ? v : JSON.stringify(v));

function lower(n: Node): Json {
  if (n instanceof JsonText) return JSON.stringify(lower(n.v));
  if (n instanceof B64) return jsonToB64(lower(n.v));
  if (n instanceof Joined) return n.prefix + asText(lower(n.v)) + n.suffix;
  if (Array.isArray(n)) return n.map(lower);
  if (n && typeof n === 'object') {
    const o: { [k: string]: Json } = {};
    for (const k of Object.keys(n)) o[k] = lower(n[k]!);
    return o;
  }
  return n;
}

async function shrinkNode(n: Node, fails: Fails<Node>, b: Budget): Promise<Node> {
  if (b.spent) return n;
  if (n instanceof JsonText)
    return new JsonText(await shrinkNode(n.v, (x) => fails(new JsonText(x)), b));
  if (n instanceof B64) return new B64(await shrinkNode(n.v, (x) => fails(new B64(x)), b));
  if (n instanceof Joined) {
    // The run alone, without the URL around it, if that fails the same way.
    b.tests++;
    if (await fails(n.v)) return shrinkNode(n.v, fails, b);
    const v = await shrinkNode(n.v, (x) => fails(new Joined(n.prefix, x, n.suffix)), b);
    return new Joined(n.prefix, v, n.suffix);
  }
  if (Array.isArray(n)) {
    const items = await shrinkList(n, fails, b);
    for (let i = 0; i < items.length && !b.spent; i++)
      items[i] = await shrinkNode(
        items[i]!,
        (x) => fails(items.map((y, j) => (j === i ? x : y))),
        b,
      );
    return items;
  }
  if (n && typeof n === 'object') {
    let o = { ...n };
    for (const k of Object.keys(o)) {
      if (b.spent) break;
      const rest = { ...o };
      delete rest[k];
      b.tests++;
      if (await fails(rest)) o = rest;
    }
    for (const k of Object.keys(o)) {
      if (b.spent) break;
      o[k] = await shrinkNode(o[k]!, (x) => fails({ ...o, [k]: x }), b);
    }
    return o;
  }
  if (typeof n === 'number') {
    let cur = n;
    for (const cand of [0, 1]) {
      if (cur === cand || Math.abs(cur) < cand || b.spent) continue;
      b.tests++;
      if (await fails(cand)) return cand;
    }
    while (Math.abs(cur) > 1 && !b.spent) {
      const cand = Math.trunc(cur / 2);
      b.tests++;
      if (!(await fails(cand))) break;
      cur = cand;
    }
    return cur;
  }
  if (typeof n === 'string' && n.length > 0) {
    b.tests++;
    if (await fails('')) return '';
    return halve(n, fails, b);
  }
  return n;
}

/** Leaves of a tree as `path=value` (array indices left out), for a rough "contains" test. */
function leaves(n: Node, path: string, out: Set<string>): Set<string> {
  if (wrapped(n)) return leaves(n.v, `${path}>`, out);
  if (Array.isArray(n)) n.forEach((x) => leaves(x, `${path}[]`, out));
  else if (n && typeof n === 'object')
    for (const k of Object.keys(n)) leaves(n[k]!, `${path}.${k}`, out);
  else out.add(`${path}=${JSON.stringify(n)}`);
  return out;
}

function liftInput(i: FuzzInput): Node {
  switch (i.kind) {
    case 'scenario':
      return i.text;
    case 'link':
      return liftString(i.link);
    case 'session':
      return {
        current: i.current === null ? null : liftString(i.current),
        saved: i.saved === null ? null : liftString(i.saved),
      };
  }
}

function lowerInput(kind: FuzzInput['kind'], n: Node): FuzzInput {
  const v = lower(n);
  switch (kind) {
    case 'scenario':
      return { kind, text: asText(v) };
    case 'link':
      return { kind, link: asText(v) };
    case 'session': {
      const o = v && typeof v === 'object' && !Array.isArray(v) ? v : {};
      const s = (x: Json | undefined) => (x === null || x === undefined ? null : asText(x));
      return { kind, current: s(o.current), saved: s(o.saved) };
    }
  }
}

/** Shrink any input while `fails` holds. */
export async function shrinkInput(
  input: FuzzInput,
  fails: Fails<FuzzInput>,
  b: Budget,
): Promise<FuzzInput> {
  if (input.kind === 'scenario') {
    const text = await shrinkText(input.text, (t) => fails({ kind: 'scenario', text: t }), b);
    return { kind: 'scenario', text };
  }
  const kind = input.kind;
  if (input.kind === 'session') {
    // Shrink the two stored values one at a time; null is the smallest value of each.
    const tree = liftInput(input) as { current: Node; saved: Node };
    const shrunk = await shrinkNode(
      tree,
      async (x) => {
        const o = x as { current?: Node; saved?: Node };
        return fails(lowerInput(kind, { current: o.current ?? null, saved: o.saved ?? null }));
      },
      b,
    );
    const o = shrunk as { current?: Node; saved?: Node };
    return lowerInput(kind, { current: o.current ?? null, saved: o.saved ?? null });
  }
  const shrunk = await shrinkNode(liftInput(input), (x) => fails(lowerInput(kind, x)), b);
  return lowerInput(kind, shrunk);
}

/** Does `big` plausibly contain the bug `small` reproduces? (Used to shrink one input per bug.) */
export function covers(small: FuzzInput, big: FuzzInput): boolean {
  if (small.kind !== big.kind) return false;
  if (small.kind === 'scenario' && big.kind === 'scenario') {
    // Lines are compared as they are: trim() would take a BOM or U+00A0 away.
    const lines = small.text.split('\n').filter((l) => l !== '');
    return lines.length > 0 && lines.every((l) => big.text.includes(l));
  }
  const mine = leaves(liftInput(small), '', new Set());
  const theirs = leaves(liftInput(big), '', new Set());
  return mine.size > 0 && [...mine].every((l) => theirs.has(l));
}
