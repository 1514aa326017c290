/**
 * An append-only byte store. A TCB refers to one (the bytes the application
 * wrote, or the bytes delivered in order) together with offsets into it, so
 * successive immutable TCB snapshots share one buffer: an old snapshot only
 * ever looks at the prefix that existed when it was taken, and appends never
 * change that prefix.
 */
export class ByteLog {
  private buf: Uint8Array;
  private len = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.len;
  }

  append(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < this.len + bytes.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** A copy of bytes [from, to). */
  slice(from: number, to: number): Uint8Array {
    return this.buf.slice(Math.max(0, from), Math.min(to, this.len));
  }
}
