/**
 * Checking the shape of a JSON value that came from outside (a share link,
 * browser storage): each check returns the value with its type narrowed, or
 * throws a ShapeError that says where the problem is and what was expected
 * ("inputs[3].action.call.port: expected an integer 0–65535, got 70000").
 *
 * One small checker for the share-link codec and for stored sessions, so
 * both word their errors alike. Callers catch ShapeError at their boundary
 * and turn it into `{ ok: false, error }`.
 */

/** A JSON value is not of the shape expected; `message` is `path: problem`. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    /** Where in the value, e.g. `items[2].name`; '' for the value itself. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
  }
}

export function fail(path: string, problem: string): never {
  throw new ShapeError(path, problem);
}

/** A short description of a JSON value, for error messages (strings cut to 40 characters). */
export function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string')
    return v.length === 0
      ? 'an empty string'
      : JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v;
}

/** Fail: `missing (expected WHAT)`, or `expected WHAT, got …`. */
export function expected(path: string, what: string, got: unknown): never {
  if (got === undefined) fail(path, `missing (expected ${what})`);
  fail(path, `expected ${what}, got ${show(got)}`);
}

/** The path of field `key` inside `path`: `a.b`, or `a["odd key"]`. */
export function keyPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]!}`;
}

/** A plain object with no keys but `allowed`. At the root (path ''), the value is called `value`. */
export function object(
  path: string,
  v: unknown,
  allowed: readonly string[],
  what = 'an object',
): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) expected(path || 'value', what, v);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      fail(
        keyPath(path, k),
        allowed.length ? `unknown field (expected ${orList(allowed)})` : 'unknown field',
      );
  return o;
}

/** An integer lo … hi. */
export function integer(path: string, v: unknown, lo: number, hi: number, what?: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    expected(path, what ?? `an integer ${lo}–${hi}`, v);
  return v;
}

/** A finite number lo … hi. */
export function real(path: string, v: unknown, lo: number, hi: number, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) expected(path, what, v);
  return v;
}

export function bool(path: string, v: unknown): boolean {
  if (typeof v !== 'boolean') expected(path, 'true or false', v);
  return v;
}

/** One of the strings `values`. */
export function oneOf<T extends string>(path: string, v: unknown, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    expected(path, orList(values.map((x) => `'${x}'`)), v);
  return v as T;
}
