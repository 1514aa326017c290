/**
 * A byte stream stored by offset: the bytes an application wrote, or the bytes
 * a connection delivered in order. A TCB refers to one together with how much
 * of it the TCB has (`sndWritten`, `rcvLen`), so successive immutable TCB
 * snapshots share one store: a snapshot only ever looks below its own length.
 *
 * Writing is by offset, not by appending: replaying a machine's events from an
 * older snapshot (to rebuild the state at some instant) writes the very same
 * bytes at the very same offsets again, which changes nothing.
 *
 * The bytes live in 64 KiB chunks, so a read that falls within one chunk is a
 * view (no copy): segments carry their payload as such views. The first chunk
 * starts small and grows by copying (most streams are short); a view taken
 * before it grew keeps the old buffer, whose bytes never change. Views must not
 * be written to.
 */
const CHUNK = 1 << 16;
const FIRST = 256;

export class ByteLog {
  private readonly chunks: Uint8Array[] = [];
  private len = 0;

  /** The highest offset written so far (the store's size, not a snapshot's). */
  get length(): number {
    return this.len;
  }

  /** Store `bytes` at `offset`. */
  write(offset: number, bytes: Uint8Array): void {
    let at = offset;
    let from = 0;
    while (from < bytes.length) {
      const c = Math.floor(at / CHUNK);
      const o = at % CHUNK;
      this.reserve(c, o + Math.min(CHUNK - o, bytes.length - from));
      const n = Math.min(CHUNK - o, bytes.length - from);
      this.chunks[c]!.set(
        from === 0 && n === bytes.length ? bytes : bytes.subarray(from, from + n),
        o,
      );
      from += n;
      at += n;
    }
    if (at > this.len) this.len = at;
  }

  /** Make chunk `c` exist and hold at least `size` bytes. */
  private reserve(c: number, size: number): void {
    while (this.chunks.length <= c)
      this.chunks.push(new Uint8Array(this.chunks.length === 0 ? FIRST : CHUNK));
    const chunk = this.chunks[c]!;
    if (chunk.length >= size) return;
    let cap = chunk.length * 2;
    while (cap < size) cap *= 2;
    const grown = new Uint8Array(Math.min(cap, CHUNK));
    grown.set(chunk);
    this.chunks[c] = grown;
  }

  /** Bytes [from, to): a view when they lie in one chunk, else a copy. Read-only. */
  read(from: number, to: number): Uint8Array {
    const a = Math.max(0, from);
    const b = Math.min(to, this.len);
    if (b <= a) return new Uint8Array(0);
    const c = Math.floor(a / CHUNK);
    if (Math.floor((b - 1) / CHUNK) === c)
      return this.chunks[c]!.subarray(a % CHUNK, (a % CHUNK) + (b - a));
    const out = new Uint8Array(b - a);
    let at = a;
    while (at < b) {
      const i = Math.floor(at / CHUNK);
      const o = at % CHUNK;
      const n = Math.min(CHUNK - o, b - at);
      out.set(this.chunks[i]!.subarray(o, o + n), at - a);
      at += n;
    }
    return out;
  }
}
