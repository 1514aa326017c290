/**
 * A pool of worker threads, each running one input at a time under a wall-time
 * limit and a heap limit (`resourceLimits.maxOldGenerationSizeMb`). A worker
 * past its time is terminated (a hang); one that runs out of heap dies with
 * ERR_WORKER_OUT_OF_MEMORY (unbounded growth). Either way a fresh worker takes
 * its place. Typed arrays live outside the V8 heap, so the pool also watches
 * the process's resident memory and, past `rssLimitMb`, terminates the worker
 * that has been busy longest (also unbounded growth).
 *
 * Workers load the TypeScript sources through tsx, so the pool works the same
 * from `tsx` and from inside Vitest.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FuzzInput, Verdict } from './target';

/** How an input ended, seen from outside the worker. */
export type Result =
  | Verdict
  | { readonly outcome: 'hang'; readonly limitMs: number }
  | { readonly outcome: 'growth'; readonly detail: string }
  | { readonly outcome: 'worker-died'; readonly detail: string };

export interface PoolOptions {
  readonly size: number;
  /** Wall-time limit per input (ms). */
  readonly timeoutMs: number;
  /** V8 old-generation limit per worker (MB). */
  readonly heapMb: number;
  /** Resident memory of the whole process above which the longest-busy worker is stopped (MB). */
  readonly rssLimitMb?: number;
}

interface Job {
  readonly input: FuzzInput;
  readonly timeoutMs: number;
  readonly resolve: (r: Result) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  jobId: number;
  started: number;
  timer: NodeJS.Timeout | null;
}

const require = createRequire(import.meta.url);
// tsx's ESM entry: `require.resolve` finds the CommonJS one beside it.
const TSX_API = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const WORKER = new URL('./worker.ts', import.meta.url).href;
const BOOT = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER)}); })`;

export class Pool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  /** Set when a worker failed before it could take work: the pool cannot work at all. */
  private broken: Error | null = null;
  private readonly rssTimer: NodeJS.Timeout | null;
  /** Workers started so far (replacements included). */
  started = 0;

  constructor(private readonly opts: PoolOptions) {
    for (let i = 0; i < opts.size; i++) this.slots.push(this.spawn());
    const rssLimit = opts.rssLimitMb;
    this.rssTimer = rssLimit === undefined ? null : setInterval(() => this.watchRss(rssLimit), 100);
    this.rssTimer?.unref();
  }

  /** Run one input; `timeoutMs` overrides the pool's limit for it. */
  run(input: FuzzInput, timeoutMs = this.opts.timeoutMs): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('the pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ input, timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.rssTimer) clearInterval(this.rssTimer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    this.started++;
    const worker = new Worker(BOOT, {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb },
      stdout: true,
      stderr: true,
    });
    // The core logs nothing; whatever a worker prints is not ours to show.
    worker.stdout.resume();
    worker.stderr.resume();
    const slot: Slot = { worker, ready: false, job: null, jobId: -1, started: 0, timer: null };
    worker.on('message', (m: unknown) => {
      if (m === 'ready') {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const { id, verdict } = m as { id: number; verdict: Verdict };
      if (slot.job && id === slot.jobId) this.finish(slot, verdict, false);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (!slot.ready) return this.cannotStart(e);
      const r: Result =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { outcome: 'growth', detail: `heap limit of ${this.opts.heapMb} MB reached` }
          : { outcome: 'worker-died', detail: String(e.stack ?? e) };
      if (slot.job) this.finish(slot, r, true);
      else if (!this.closed) this.replace(slot);
    });
    worker.on('exit', () => {
      if (this.closed || !this.slots.includes(slot)) return;
      if (!slot.ready) return this.cannotStart(new Error('a worker exited while starting'));
      if (slot.job) this.finish(slot, { outcome: 'worker-died', detail: 'worker exited' }, true);
      else this.replace(slot);
    });
    return slot;
  }

  private cannotStart(e: Error): void {
    if (this.broken) return;
    this.broken = new Error(`fuzz worker failed to start: ${e.stack ?? e.message}`);
    for (const job of this.queue.splice(0)) job.reject(this.broken);
    for (const s of this.slots) s.job?.reject(this.broken);
    void this.close();
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    if (slot.timer) clearTimeout(slot.timer);
    void slot.worker.terminate();
    if (this.closed) return;
    this.slots[i] = this.spawn();
  }

  private finish(slot: Slot, r: Result, kill: boolean): void {
    const job = slot.job;
    if (!job) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    if (kill) this.replace(slot);
    job.resolve(r);
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.jobId = this.nextId++;
      slot.started = Date.now();
      slot.timer = setTimeout(
        () => this.finish(slot, { outcome: 'hang', limitMs: job.timeoutMs }, true),
        job.timeoutMs,
      );
      slot.worker.postMessage({ id: slot.jobId, input: job.input });
    }
  }

  private watchRss(limitMb: number): void {
    if (process.memoryUsage.rss() / 2 ** 20 <= limitMb) return;
    const busy = this.slots.filter((s) => s.job).sort((a, b) => a.started - b.started)[0];
    if (busy)
      this.finish(
        busy,
        { outcome: 'growth', detail: `process memory above ${limitMb} MB (outside the heap)` },
        true,
      );
  }
}
