/**
 * Runs kept in the browser (localStorage): the current run, saved on the fly
 * so a reload brings it back, and sessions the user saved under a name.
 *
 *   'tcp-playground.current'  {"v":1,"run":"<encodeRun text>"}
 *   'tcp-playground.saved'    {"v":1,"items":[{"name","savedAt","run":"<encodeRun text>"}, …]}
 *
 * Saved sessions are listed most recently saved first. Every function takes
 * the storage to use (anything with getItem/setItem/removeItem; the browser's
 * localStorage when `undefined`), never throws, and reports any problem as
 * `{ ok: false, error }`: storage that is unavailable or full, names that are
 * not allowed, and stored values that are damaged — which are reported, never
 * overwritten. Writing over a damaged value fails until the user deliberately
 * discards it (`clearCurrent`, `clearSaved`).
 */
import { decodeRun, encodeRun, hasControlChar, jsonShape, type SharedRun } from '../core';

/** What these functions need of a Storage (the browser's localStorage is one). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key?(index: number): string | null;
  readonly length?: number;
}

export const CURRENT_KEY = 'tcp-playground.current';
export const SAVED_KEY = 'tcp-playground.saved';
/** The format version of both stored values. */
export const STORE_VERSION = 1;
/** Names of saved sessions: 1 … MAX_NAME_LENGTH characters, once trimmed. */
export const MAX_NAME_LENGTH = 80;

export type Failure = { ok: false; error: string };
export type Outcome = { ok: true } | Failure;
/** `run` is null when nothing was saved. */
export type LoadCurrentResult = { ok: true; run: SharedRun | null } | Failure;
export interface SavedInfo {
  readonly name: string;
  /** ISO 8601, as the caller gave it when saving. */
  readonly savedAt: string;
  /** Size of the stored run (characters of its encoded text). */
  readonly bytes: number;
}
export type ListResult = { ok: true; items: SavedInfo[] } | Failure;
export type LoadSavedResult = { ok: true; run: SharedRun; savedAt: string } | Failure;
/** `name` is the name as stored (trimmed). */
export type SaveAsResult = { ok: true; name: string; replaced: boolean } | Failure;
export type RenameResult = { ok: true; name: string } | Failure;

// ------------------------------------------------------------------ storage access

const fail = (error: string): Failure => ({ ok: false, error });
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function resolve(store: StorageLike | undefined): StorageLike | Failure {
  if (store) return store;
  try {
    const ls = (globalThis as { localStorage?: StorageLike }).localStorage;
    if (ls) return ls;
  } catch (e) {
    return fail(`browser storage is unavailable: ${message(e)}`);
  }
  return fail('browser storage is unavailable');
}

const isFailure = (x: object): x is Failure => (x as { ok?: unknown }).ok === false;

function read(store: StorageLike, key: string): { ok: true; raw: string | null } | Failure {
  try {
    const raw: unknown = store.getItem(key);
    if (raw === null || typeof raw === 'string') return { ok: true, raw };
    return fail(`cannot read browser storage: ${key} holds ${typeof raw}, not text`);
  } catch (e) {
    return fail(`cannot read browser storage: ${message(e)}`);
  }
}

function isQuota(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return (
    name === 'QuotaExceededError' ||
    name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    /quota/i.test(message(e))
  );
}

function write(store: StorageLike, key: string, value: string): Outcome {
  try {
    store.setItem(key, value);
    return { ok: true };
  } catch (e) {
    if (isQuota(e))
      return fail(
        `browser storage is full: could not save ${value.length} characters (${message(e)}); delete some saved sessions`,
      );
    return fail(`cannot write browser storage: ${message(e)}`);
  }
}

function remove(store: StorageLike, key: string): Outcome {
  try {
    store.removeItem(key);
    return { ok: true };
  } catch (e) {
    return fail(`cannot write browser storage: ${message(e)}`);
  }
}

/**
 * Stored values already checked (or written) here, per storage and key: a value
 * still equal to one of these need not be decoded again before it is replaced.
 */
const checked = new WeakMap<object, Map<string, string>>();

function remember(store: StorageLike, key: string, raw: string): void {
  let m = checked.get(store);
  if (!m) checked.set(store, (m = new Map<string, string>()));
  m.set(key, raw);
}

const known = (store: StorageLike, key: string, raw: string): boolean =>
  checked.get(store)?.get(key) === raw;

// ------------------------------------------------------------------ parsing stored values

// The share-link codec's checker (core/formats/json-shape.ts): one wording for both.
const { ShapeError, object, show } = jsonShape;

/** A stored value is damaged: `path: problem`. */
function bad(path: string, problem: string): never {
  return jsonShape.fail(path, problem);
}

/** `path: missing (expected WHAT)` or `path: expected WHAT, got …`. */
function expected(path: string, what: string, got: unknown): never {
  return jsonShape.expected(path, what, got);
}

/** JSON with a `v` of STORE_VERSION and no fields but `fields`. */
function envelope(raw: string, fields: readonly string[], what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    bad('', `JSON: ${message(e)}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) expected('value', what, v);
  const ver = (v as Record<string, unknown>).v;
  if (ver === undefined) bad('v', `missing (expected the format version ${STORE_VERSION})`);
  if (ver !== STORE_VERSION)
    bad(
      'v',
      typeof ver === 'number'
        ? `unsupported version ${ver} (this version of the app reads version ${STORE_VERSION})`
        : `expected the format version ${STORE_VERSION}, got ${show(ver)}`,
    );
  return object('', v, ['v', ...fields], what);
}

function runText(path: string, v: unknown, check: boolean): string {
  if (typeof v !== 'string') expected(path, 'an encoded run (text)', v);
  if (check) {
    const d = decodeRun(v);
    if (!d.ok) bad(path, d.error);
  }
  return v;
}

/** The encoded run of a stored current value; `check`: decode it to be sure it is whole. */
function parseCurrent(raw: string, check: boolean): string {
  const o = envelope(raw, ['run'], 'an object {v, run}');
  return runText('run', o.run, check);
}

interface Item {
  name: string;
  savedAt: string;
  run: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function nameProblem(name: string): string | null {
  const n = [...name].length;
  if (n === 0) return 'a name is needed';
  if (n > MAX_NAME_LENGTH)
    return `names are at most ${MAX_NAME_LENGTH} characters; this one has ${n}`;
  if (hasControlChar(name)) return 'names cannot contain control characters (line breaks, tabs…)';
  return null;
}

function dateProblem(savedAt: unknown): string | null {
  return typeof savedAt === 'string' && ISO_DATE.test(savedAt) && !Number.isNaN(Date.parse(savedAt))
    ? null
    : `expected an ISO 8601 date and time (e.g. 2025-01-31T12:00:00.000Z), got ${show(savedAt)}`;
}

function parseSaved(raw: string, check: boolean): Item[] {
  const o = envelope(raw, ['items'], 'an object {v, items}');
  if (!Array.isArray(o.items)) expected('items', 'an array of saved sessions', o.items);
  const seen = new Map<string, number>();
  return o.items.map((x: unknown, i): Item => {
    const p = `items[${i}]`;
    const it = object(p, x, ['name', 'savedAt', 'run'], 'a saved session (an object)');
    const name = it.name;
    if (typeof name !== 'string') expected(`${p}.name`, 'a name (text)', name);
    if (name !== name.trim()) bad(`${p}.name`, `${show(name)} has spaces around it`);
    const np = nameProblem(name);
    if (np) bad(`${p}.name`, np);
    const dup = seen.get(name);
    if (dup !== undefined) bad(`${p}.name`, `${show(name)} is also the name of items[${dup}]`);
    seen.set(name, i);
    const dp = dateProblem(it.savedAt);
    if (dp) {
      if (it.savedAt === undefined)
        expected(`${p}.savedAt`, 'an ISO 8601 date and time', undefined);
      bad(`${p}.savedAt`, dp);
    }
    return { name, savedAt: it.savedAt as string, run: runText(`${p}.run`, it.run, check) };
  });
}

const CURRENT_WHAT = `the run saved for the next visit (${CURRENT_KEY}) is damaged`;
const SAVED_WHAT = `the saved sessions (${SAVED_KEY}) are damaged`;

function attempt<T>(what: string, f: () => T): { ok: true; value: T } | Failure {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof ShapeError) return fail(`${what}: ${e.message}`);
    return fail(`${what}: ${message(e)}`);
  }
}

/** The saved sessions as stored: [] when there are none. */
function readSaved(store: StorageLike): { ok: true; items: Item[] } | Failure {
  const r = read(store, SAVED_KEY);
  if (!r.ok) return r;
  if (r.raw === null) return { ok: true, items: [] };
  const raw = r.raw;
  const p = attempt(SAVED_WHAT, () => parseSaved(raw, !known(store, SAVED_KEY, raw)));
  if (!p.ok) return p;
  remember(store, SAVED_KEY, raw);
  return { ok: true, items: p.value };
}

function writeSaved(store: StorageLike, items: readonly Item[]): Outcome {
  const raw = JSON.stringify({
    v: STORE_VERSION,
    items: items.map((i) => ({ name: i.name, savedAt: i.savedAt, run: i.run })),
  });
  const w = write(store, SAVED_KEY, raw);
  if (w.ok) remember(store, SAVED_KEY, raw);
  return w;
}

/** The run as text, checked to decode: what is stored must load again. */
function encodeChecked(run: SharedRun): { ok: true; text: string } | Failure {
  try {
    const text = encodeRun(run);
    const d = decodeRun(text);
    return d.ok ? { ok: true, text } : fail(`this run cannot be saved: ${d.error}`);
  } catch (e) {
    return fail(`this run cannot be saved: ${message(e)}`);
  }
}

/** A name as given (trimmed), or why it is not allowed. */
function cleanName(name: unknown): { ok: true; name: string } | Failure {
  if (typeof name !== 'string') return fail(`a name must be text, got ${show(name)}`);
  const n = name.trim();
  const p = nameProblem(n);
  return p ? fail(p) : { ok: true, name: n };
}

const notFound = (name: string): Failure => fail(`there is no saved session named ${show(name)}`);

// ------------------------------------------------------------------ the current run

/**
 * Keep `run` as the current run. Fails — and leaves the stored value as it is —
 * when the stored value is damaged (discard it with `clearCurrent`), when
 * storage is full or unavailable, or when the run would not load again.
 */
export function saveCurrent(store: StorageLike | undefined, run: SharedRun): Outcome {
  const s = resolve(store);
  if (isFailure(s)) return s;
  const enc = encodeChecked(run);
  if (!enc.ok) return enc;
  const r = read(s, CURRENT_KEY);
  if (!r.ok) return r;
  const old = r.raw;
  if (old !== null && !known(s, CURRENT_KEY, old)) {
    const p = attempt(CURRENT_WHAT, () => parseCurrent(old, true));
    if (!p.ok) return fail(`${p.error} — not overwriting it; discard it first`);
  }
  const raw = JSON.stringify({ v: STORE_VERSION, run: enc.text });
  if (raw === old) return { ok: true };
  const w = write(s, CURRENT_KEY, raw);
  if (w.ok) remember(s, CURRENT_KEY, raw);
  return w;
}

/** The current run; `run: null` when none was saved. */
export function loadCurrent(store?: StorageLike): LoadCurrentResult {
  const s = resolve(store);
  if (isFailure(s)) return s;
  const r = read(s, CURRENT_KEY);
  if (!r.ok) return r;
  if (r.raw === null) return { ok: true, run: null };
  const raw = r.raw;
  const p = attempt(CURRENT_WHAT, () => parseCurrent(raw, false));
  if (!p.ok) return p;
  const d = decodeRun(p.value);
  if (!d.ok) return fail(`${CURRENT_WHAT}: run: ${d.error}`);
  remember(s, CURRENT_KEY, raw);
  return { ok: true, run: d.run };
}

/** Forget the current run (also a damaged one: this is how the user discards it). */
export function clearCurrent(store?: StorageLike): Outcome {
  const s = resolve(store);
  if (isFailure(s)) return s;
  return remove(s, CURRENT_KEY);
}

// ------------------------------------------------------------------ saved sessions

/** The saved sessions, most recently saved first. */
export function listSaved(store?: StorageLike): ListResult {
  const s = resolve(store);
  if (isFailure(s)) return s;
  const r = readSaved(s);
  if (!r.ok) return r;
  return {
    ok: true,
    items: r.items.map((i) => ({ name: i.name, savedAt: i.savedAt, bytes: i.run.length })),
  };
}

/**
 * Save `run` under `name` (trimmed; 1–80 characters, no control characters),
 * saved at `savedAt` (ISO 8601, e.g. `new Date().toISOString()`). It goes to
 * the top of the list. A session saved under the same name already is
 * OVERWRITTEN (`replaced: true`) — ask the user before calling this if that
 * matters. Fails, changing nothing, when the saved sessions are damaged,
 * storage is full or unavailable, or the run would not load again.
 */
export function saveAs(
  store: StorageLike | undefined,
  name: string,
  run: SharedRun,
  savedAt: string,
): SaveAsResult {
  const s = resolve(store);
  if (isFailure(s)) return s;
  const n = cleanName(name);
  if (!n.ok) return n;
  const dp = dateProblem(savedAt);
  if (dp) return fail(`savedAt: ${dp}`);
  const enc = encodeChecked(run);
  if (!enc.ok) return enc;
  const r = readSaved(s);
  if (!r.ok) return fail(`${r.error} — not overwriting them; discard them first`);
  const others = r.items.filter((i) => i.name !== n.name);
  const w = writeSaved(s, [{ name: n.name, savedAt, run: enc.text }, ...others]);
  return w.ok ? { ok: true, name: n.name, replaced: others.length < r.items.length } : w;
}

/** The run saved under `name` (trimmed), and when it was saved. */
export function loadSaved(store: StorageLike | undefined, name: string): LoadSavedResult {
  const s = resolve(store);
  if (isFailure(s)) return s;
  const r = readSaved(s);
  if (!r.ok) return r;
  const key = typeof name === 'string' ? name.trim() : name;
  const item = r.items.find((i) => i.name === key);
  if (!item) return notFound(key);
  const d = decodeRun(item.run);
  if (!d.ok) return fail(`${SAVED_WHAT}: the session ${show(item.name)}: ${d.error}`);
  return { ok: true, run: d.run, savedAt: item.savedAt };
}

/** Delete the session saved under `name` (trimmed). */
export function deleteSaved(store: StorageLike | undefined, name: string): Outcome {
  const s = resolve(store);
  if (isFailure(s)) return s;
  const r = readSaved(s);
  if (!r.ok) return r;
  const key = typeof name === 'string' ? name.trim() : name;
  const rest = r.items.filter((i) => i.name !== key);
  if (rest.length === r.items.length) return notFound(key);
  return writeSaved(s, rest);
}

/**
 * Rename a saved session; it keeps its place in the list and its date. Fails
 * when `to` is not an allowed name or another session already has it (a
 * rename never overwrites).
 */
export function renameSaved(
  store: StorageLike | undefined,
  from: string,
  to: string,
): RenameResult {
  const s = resolve(store);
  if (isFailure(s)) return s;
  const r = readSaved(s);
  if (!r.ok) return r;
  const key = typeof from === 'string' ? from.trim() : from;
  const item = r.items.find((i) => i.name === key);
  if (!item) return notFound(key);
  const n = cleanName(to);
  if (!n.ok) return n;
  if (n.name === item.name) return { ok: true, name: n.name };
  if (r.items.some((i) => i.name === n.name))
    return fail(`there is already a saved session named ${show(n.name)}`);
  const w = writeSaved(
    s,
    r.items.map((i) => (i === item ? { ...i, name: n.name } : i)),
  );
  return w.ok ? { ok: true, name: n.name } : w;
}

/** Delete every saved session (also damaged ones: this is how the user discards them). */
export function clearSaved(store?: StorageLike): Outcome {
  const s = resolve(store);
  if (isFailure(s)) return s;
  return remove(s, SAVED_KEY);
}
