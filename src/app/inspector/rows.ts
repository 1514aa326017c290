/**
 * The header inspector's data, as pure functions of the trace and of
 * `describeFields`: the frame of a segment, what became of it by the cursor,
 * its relative numbers, the RFC-style 32-bit rows of a header, the hex dump,
 * which field owns which byte, and the payload as text.
 *
 * Every position comes from describeFields' offsets, lengths and bits; there
 * is no second, hand-written layout of the headers here.
 */
import {
  RelativeSeq,
  captureFrames,
  type CapturedFrame,
  type DropReason,
  type SegmentRecord,
  type TraceRecord,
  type WireField,
  type WireLayer,
} from '../../core';

// ------------------------------------------------------------------ frames

const frameCache = new WeakMap<
  readonly TraceRecord[],
  { length: number; byId: Map<number, CapturedFrame> }
>();

/**
 * The captured frame of segment `id` (as captureFrames builds it for the whole
 * trace), cached per trace and its length: the trace only grows, and a fork
 * starts a new one.
 */
export function frameOf(records: readonly TraceRecord[], id: number): CapturedFrame | undefined {
  let c = frameCache.get(records);
  // A frame once built stays right while the trace grows: its IPv4 identification
  // depends only on the records before it.
  if (c?.byId.has(id)) return c.byId.get(id);
  if (!c || c.length !== records.length) {
    const byId = new Map<number, CapturedFrame>();
    for (const f of captureFrames(records)) byId.set(f.record.id, f);
    c = { length: records.length, byId };
    frameCache.set(records, c);
  }
  return c.byId.get(id);
}

// ------------------------------------------------------------------ the segment's fate

export type SegmentStatus = 'notYetSent' | 'inFlight' | 'delivered' | 'dropped';

export interface SegmentFate {
  readonly status: SegmentStatus;
  /** Why it was dropped, when it was (by the cursor). */
  readonly dropReason: DropReason | null;
  /** When it was dropped or delivered, when it was (by the cursor). */
  readonly at: number | null;
  readonly retransmission: boolean;
  /** The segment this is a link duplicate of. */
  readonly duplicateOf: number | null;
}

/** What had become of a segment by the cursor: only records at or before it count. */
export function segmentFate(
  records: readonly TraceRecord[],
  seg: SegmentRecord,
  cursor: number,
): SegmentFate {
  const base = { retransmission: seg.rtx, duplicateOf: seg.dupOf };
  if (seg.t > cursor) return { ...base, status: 'notYetSent', dropReason: null, at: null };
  if (seg.dropped) return { ...base, status: 'dropped', dropReason: seg.dropped, at: seg.t };
  for (const r of records) {
    if (r.t > cursor) continue;
    if (r.kind === 'drop' && r.id === seg.id)
      return { ...base, status: 'dropped', dropReason: r.reason, at: r.t };
    if (r.kind === 'deliver' && r.id === seg.id)
      return { ...base, status: 'delivered', dropReason: null, at: r.t };
  }
  return { ...base, status: 'inFlight', dropReason: null, at: null };
}

/**
 * Relative sequence and acknowledgment numbers, as tcpdump prints them: a
 * RelativeSeq fed every segment record in trace order up to this one.
 */
export function relativeNumbers(
  records: readonly TraceRecord[],
  seg: SegmentRecord,
): { seq: number; ack: number } {
  const rel = new RelativeSeq();
  for (const r of records) {
    if (r.kind !== 'segment') continue;
    rel.see(r.seg);
    if (r === seg || r.id === seg.id) break;
  }
  return rel.relative(seg.seg);
}

// ------------------------------------------------------------------ fields

/** An option's whole field ("tcp.option.3"): drawn as one cell, its kind/len/values inside it. */
export const isOptionField = (f: WireField): boolean => /^tcp\.option\.\d+$/.test(f.id);

/** The fields with nothing finer inside them; an option counts as one (its parts are not leaves). */
export function leafFields(fields: readonly WireField[]): WireField[] {
  const parents = new Set<string>();
  for (const f of fields) if (f.parent !== null) parents.add(f.parent);
  const byId = new Map(fields.map((f) => [f.id, f]));
  const insideOption = (f: WireField): boolean => {
    for (let p = f.parent; p !== null; p = byId.get(p)?.parent ?? null)
      if (/^tcp\.option\.\d+$/.test(p)) return true;
    return false;
  };
  return fields.filter(
    (f) =>
      (isOptionField(f) || (!parents.has(f.id) && !(f.parent === null && f.layer !== 'payload'))) &&
      !insideOption(f),
  );
}

/** The layer's own field: its whole header ("tcp", "ip", "eth"). */
export const layerField = (fields: readonly WireField[], layer: WireLayer): WireField | undefined =>
  fields.find((f) => f.layer === layer && f.parent === null);

/** First bit of a field and its width, counted from the start of `base` (a header's first octet). */
export function bitSpan(f: WireField, base: number): { start: number; count: number } {
  return {
    start: (f.offset - base) * 8 + (f.bits?.start ?? 0),
    count: f.bits?.count ?? f.length * 8,
  };
}

/** One cell of a 32-bit row: a field, or the part of it that falls in this row. */
export interface GridCell {
  readonly field: WireField;
  /** Row, counted from 0 at the header's first octet. */
  readonly row: number;
  /** First bit column (0–31) and how many it spans. */
  readonly col: number;
  readonly span: number;
  /** A field that runs over more than one row is cut at the row ends. */
  readonly part: 'whole' | 'first' | 'middle' | 'last';
}

export const ROW_BITS = 32;

/**
 * A header as RFC 9293 draws it: rows of 32 bits, each leaf field a cell over
 * its bits. `layer` picks the header (its layer field gives the base octet).
 */
export function headerRows(fields: readonly WireField[], layer: 'ip' | 'tcp'): GridCell[][] {
  const head = layerField(fields, layer);
  if (!head) return [];
  const leaves = leafFields(fields).filter(
    (f) => f.layer === layer && f.offset >= head.offset && f.offset < head.offset + head.length,
  );
  const rows: GridCell[][] = [];
  for (const f of leaves) {
    const { start, count } = bitSpan(f, head.offset);
    const end = start + count;
    for (let s = start; s < end;) {
      const row = Math.floor(s / ROW_BITS);
      const rowEnd = (row + 1) * ROW_BITS;
      const e = Math.min(end, rowEnd);
      const part =
        s === start && e === end ? 'whole' : s === start ? 'first' : e === end ? 'last' : 'middle';
      (rows[row] ??= []).push({ field: f, row, col: s % ROW_BITS, span: e - s, part });
      s = e;
    }
  }
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  for (const r of rows) r.sort((a, b) => a.col - b.col);
  return rows;
}

/** The fields directly inside `cell`'s field whose octets lie within the cell (an option's kind, length, values). */
export function partsInCell(
  fields: readonly WireField[],
  cell: GridCell,
  base: number,
): WireField[] {
  const from = base + (cell.row * ROW_BITS + cell.col) / 8;
  const to = base + (cell.row * ROW_BITS + cell.col + cell.span) / 8;
  return fields.filter(
    (f) => f.parent === cell.field.id && f.offset >= from && f.offset + f.length <= to,
  );
}

/** Octets [first, last] a field touches. */
export const byteRange = (f: WireField): { first: number; last: number } => ({
  first: f.offset,
  last: f.offset + f.length - 1,
});

/** The leaf fields that touch octet `i` (more than one where bit fields share an octet). */
export const fieldsAtByte = (leaves: readonly WireField[], i: number): WireField[] =>
  leaves.filter((f) => i >= f.offset && i < f.offset + f.length);

/** Which layer an octet belongs to (the innermost layer field covering it). */
export function layerAtByte(fields: readonly WireField[], i: number): WireLayer | null {
  let found: WireLayer | null = null;
  for (const f of fields)
    if (f.parent === null && i >= f.offset && i < f.offset + f.length) found = f.layer;
  return found;
}

// ------------------------------------------------------------------ hex

export interface HexLine {
  readonly offset: number;
  readonly bytes: readonly number[];
}

/** The frame in lines of `width` octets. */
export function hexLines(frame: Uint8Array, width = 16): HexLine[] {
  const out: HexLine[] = [];
  for (let o = 0; o < frame.length; o += width)
    out.push({ offset: o, bytes: Array.from(frame.subarray(o, o + width)) });
  return out;
}

export const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
/** The dump's text column: printable ASCII as itself, anything else as a dot. */
export const asciiOf = (b: number): string =>
  b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';

// ------------------------------------------------------------------ payload text

export interface TextPiece {
  readonly kind: 'text' | 'escape';
  readonly text: string;
  /** A line feed: the view breaks the line after showing "\n". */
  readonly newline?: boolean;
}

const ESCAPES: Readonly<Record<number, string>> = { 9: '\\t', 10: '\\n', 13: '\\r', 0: '\\0' };

/**
 * The payload as text: runs of printable ASCII, and escapes (\n, \t, \r, \0,
 * \xNN) for every other octet. At most `max` octets.
 */
export function payloadPieces(
  bytes: Uint8Array,
  max = 4096,
): { pieces: TextPiece[]; truncated: boolean } {
  const pieces: TextPiece[] = [];
  let run = '';
  const flush = () => {
    if (run) pieces.push({ kind: 'text', text: run });
    run = '';
  };
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b >= 0x20 && b < 0x7f) {
      run += String.fromCharCode(b);
      continue;
    }
    flush();
    pieces.push({
      kind: 'escape',
      text: ESCAPES[b] ?? `\\x${hex2(b)}`,
      ...(b === 10 ? { newline: true } : {}),
    });
  }
  flush();
  return { pieces, truncated: bytes.length > max };
}
