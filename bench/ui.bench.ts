/**
 * UI benchmark (npm run bench:ui): builds the app, serves it with `vite
 * preview`, drives Debian's Chromium and ends with one JSON line:
 *   {"frame_p95_ms", "seek_ms", "long_tasks_ms", "graphs_frame_p95_ms",
 *    "graphs_long_tasks_ms", "graphs_fit_frame_p95_ms", "initial_js_gzip_kb",
 *    "interactive_ms", and all but the last two again with a _100k suffix}
 * - frame_p95_ms: 95th percentile of frame intervals while playing a run with
 *   10,000 segments on the timeline (a bulk transfer, 600 to 1,000 segments
 *   in the follow view's 1.5 s) at 1× for 5 s from the middle of the run;
 * - seek_ms: median time from a jump to a random instant of that run to the
 *   next painted frame;
 * - long_tasks_ms: total main-thread time in tasks over 50 ms (the browser's
 *   'longtask' entries) while playing: it varies less from machine to machine
 *   than frame intervals do;
 * - graphs_frame_p95_ms, graphs_long_tasks_ms: the same playing with the graphs
 *   open and in view below the ladder (following the cursor), and
 *   graphs_fit_frame_p95_ms with the graphs showing the whole run;
 * - the same with a run of 100,000 segments (suffix _100k);
 * - initial_js_gzip_kb: gzipped size of the JavaScript the first page loads;
 * - interactive_ms: from navigation to the first button a person can press.
 *
 * Environment:
 * - BENCH_SEGMENTS: the run sizes, comma-separated (default 10000,100000; the
 *   first has no suffix, the others _<n/1000>k);
 * - BENCH_TRACE: a file name prefix; when set, a Chrome performance trace of
 *   the playing phase is written to <prefix>-<size>.json (and -seek, -graphs, -fit) (see
 *   tmp/trace-summary.ts for reading one); the app is then built unminified.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';

const root = join(import.meta.dirname, '..');
const PORT = 4311;
const SIZES = (process.env.BENCH_SEGMENTS ?? '10000,100000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const TRACE = process.env.BENCH_TRACE;
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'disabled-by-default-v8.cpu_profiler',
  'v8.execute',
  'blink.user_timing',
  'toplevel',
];

function initialJsGzipKb(): number {
  const html = readFileSync(join(root, 'dist', 'index.html'), 'utf8');
  const srcs = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+\.js)"/g)].map(
    (m) => m[1]!,
  );
  let total = 0;
  for (const src of srcs)
    total += gzipSync(readFileSync(join(root, 'dist', src.replace(/^\//, '')))).length;
  return Math.round((total / 1024) * 10) / 10;
}

interface RunFigures {
  segments: number;
  frames: number;
  frame_p95_ms: number;
  seek_ms: number;
  long_tasks_ms: number;
  interactive_ms: number;
  graphs_frame_p95_ms: number;
  graphs_long_tasks_ms: number;
  graphs_fit_frame_p95_ms: number;
}

/**
 * Frames (and long tasks) while playing through the run at 1× for 5 s from its
 * middle: the intervals between animation frames, less the first few.
 */
async function playFromMiddle(page: Page): Promise<{ deltas: number[]; longTasks: number }> {
  return page.evaluate(async () => {
    const s = window.tcpPlayground!.session;
    s.seek(s.world.now / 2);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    let longTasks = 0;
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks += e.duration;
    });
    obs.observe({ type: 'longtask' });
    s.setSpeed(1000);
    s.setSkipIdle(false);
    s.play();
    const deltas: number[] = [];
    await new Promise<void>((done) => {
      let last = performance.now();
      const start = last;
      const f = (now: number) => {
        deltas.push(now - last);
        last = now;
        if (now - start < 5000) requestAnimationFrame(f);
        else done();
      };
      requestAnimationFrame(f);
    });
    s.pause();
    // Entries of the last tasks are delivered after them.
    await new Promise((r) => setTimeout(r, 100));
    for (const e of obs.takeRecords()) longTasks += e.duration;
    obs.disconnect();
    return { deltas: deltas.slice(5), longTasks };
  });
}

async function measure(browser: Browser, size: number): Promise<RunFigures> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // tsx compiles this file keeping function names through a __name() helper, which
  // the functions passed to page.evaluate carry into the page: give the page one.
  await page.addInitScript('window.__name = (f) => f;');
  await page.goto(`http://localhost:${PORT}/`);
  await page.getByRole('button', { name: 'listen()' }).waitFor({ state: 'visible' });
  const interactive = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return performance.now() - (nav ? nav.startTime : 0);
  });

  // A bulk transfer over a link with 20 ms delay and 2% loss, the server reading
  // all it has every 100 ms, until `size` segments were sent: about 400 segments
  // a second, 600 to 1,000 in the 1.5 s the follow view shows (2 MB more is
  // queued each time a thousand segments have gone).
  const segments = await page.evaluate((size) => {
    const s = window.tcpPlayground!.session;
    s.setLink('client', { delay: 20, loss: 0.02 });
    s.setLink('server', { delay: 20, loss: 0.02 });
    s.listen();
    s.connect();
    s.seek(200);
    const w = s.world;
    let queued = 0;
    while (w.trace.segmentCount < size) {
      if (w.trace.segmentCount >= queued) {
        s.send('client', 'x'.repeat(2_000_000));
        queued += 1000;
      }
      const fd = s.socketsOf('server').connFd;
      if (fd !== null) s.call('server', { name: 'recv', fd, len: 1 << 20 });
      if (w.sched.peekTime() === undefined) break;
      s.seek(w.now + 100);
    }
    s.pause();
    return w.trace.segmentCount;
  }, size);
  // Let the page settle before measuring: paint the end of the run, and let the
  // autosave (400 ms after the last change; it encodes the whole run, seconds
  // at 100,000 segments) finish: the evaluate queues behind it.
  await page.waitForTimeout(600);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));

  if (TRACE) {
    await browser.startTracing(page, {
      path: `${TRACE}-${size}.json`,
      screenshots: false,
      categories: TRACE_CATEGORIES,
    });
  }
  // Frames (and long tasks) while playing through the run at 1× from its middle.
  const played = await playFromMiddle(page);
  if (TRACE) await browser.stopTracing();
  const frames = played.deltas.sort((a, b) => a - b);
  const p95 = frames[Math.floor(frames.length * 0.95)] ?? NaN;

  // Let the autosave that pausing started (400 ms later) run before the seeks.
  await page.waitForTimeout(600);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  // Seeks to random instants, timed to the next painted frame.
  if (TRACE)
    await browser.startTracing(page, {
      path: `${TRACE}-${size}-seek.json`,
      categories: TRACE_CATEGORIES,
    });
  const seeks = await page.evaluate(async () => {
    const s = window.tcpPlayground!.session;
    const end = s.world.now;
    const out: number[] = [];
    let x = 12345;
    for (let i = 0; i < 30; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const t = (x / 2147483648) * end;
      const t0 = performance.now();
      s.seek(t);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      out.push(performance.now() - t0);
    }
    return out;
  });
  if (TRACE) await browser.stopTracing();
  seeks.sort((a, b) => a - b);

  // The same playing with the graphs open, in view (they follow the cursor, and
  // draw the ladder's run as time–sequence and congestion graphs), with the
  // ladder still on screen above them.
  await page.getByRole('button', { name: 'Show graphs' }).click();
  await page.locator('.gr canvas').first().waitFor();
  await page.locator('.gr-plots').evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await page.waitForTimeout(600);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  if (TRACE)
    await browser.startTracing(page, {
      path: `${TRACE}-${size}-graphs.json`,
      categories: TRACE_CATEGORIES,
    });
  const withGraphs = await playFromMiddle(page);
  if (TRACE) await browser.stopTracing();
  const gFrames = withGraphs.deltas.sort((a, b) => a - b);
  // And the whole run fitted in the graphs: every segment of it in view.
  await page.getByRole('button', { name: 'Whole run' }).click();
  await page.waitForTimeout(600);
  if (TRACE)
    await browser.startTracing(page, {
      path: `${TRACE}-${size}-fit.json`,
      categories: TRACE_CATEGORIES,
    });
  const fitted = await playFromMiddle(page);
  if (TRACE) await browser.stopTracing();
  const fFrames = fitted.deltas.sort((a, b) => a - b);
  await page.close();
  const p95of = (f: number[]) => Number((f[Math.floor(f.length * 0.95)] ?? NaN).toFixed(1));
  return {
    segments,
    frames: frames.length,
    frame_p95_ms: Number(p95.toFixed(1)),
    seek_ms: Number((seeks[Math.floor(seeks.length / 2)] ?? NaN).toFixed(1)),
    long_tasks_ms: Math.round(played.longTasks),
    interactive_ms: Math.round(interactive),
    graphs_frame_p95_ms: p95of(gFrames),
    graphs_long_tasks_ms: Math.round(withGraphs.longTasks),
    graphs_fit_frame_p95_ms: p95of(fFrames),
  };
}

async function main(): Promise<void> {
  // A traced run is built unminified, so the trace names functions as the source does
  // (its initial_js_gzip_kb is then not the shipped figure).
  execFileSync('npx', ['vite', 'build', ...(TRACE ? ['--minify', 'false'] : [])], {
    cwd: root,
    stdio: 'ignore',
  });
  const js = initialJsGzipKb();
  // Another checkout may be serving on the port: wait for it to be free, and check
  // that what answers is this build, not somebody else's.
  const url = `http://localhost:${PORT}/`;
  const answers = async (): Promise<string | null> => {
    try {
      return await (await fetch(url)).text();
    } catch {
      return null;
    }
  };
  for (let i = 0; (await answers()) !== null; i++) {
    if (i === 0) console.log(`port ${PORT} is busy: waiting for it`);
    if (i > 300) throw new Error(`port ${PORT} stayed busy`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
    cwd: root,
    stdio: 'ignore',
    detached: true,
  });
  try {
    const ours = readFileSync(join(root, 'dist', 'index.html'), 'utf8');
    for (let i = 0; (await answers()) !== ours; i++) {
      if (i > 60 || server.exitCode !== null)
        throw new Error(`port ${PORT} does not serve this build`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const browser = await chromium.launch({
      executablePath: findChromium(),
      args: [...CHROMIUM_ARGS],
    });
    const out: Record<string, number> = {};
    let interactive = NaN;
    for (const [i, size] of SIZES.entries()) {
      const f = await measure(browser, size);
      if (i === 0) interactive = f.interactive_ms;
      const suffix = i === 0 ? '' : `_${size % 1000 === 0 ? `${size / 1000}k` : size}`;
      console.log(`run: ${f.segments} segments; ${f.frames} frames measured; 30 seeks`);
      out[`frame_p95_ms${suffix}`] = f.frame_p95_ms;
      out[`seek_ms${suffix}`] = f.seek_ms;
      out[`long_tasks_ms${suffix}`] = f.long_tasks_ms;
      out[`graphs_frame_p95_ms${suffix}`] = f.graphs_frame_p95_ms;
      out[`graphs_long_tasks_ms${suffix}`] = f.graphs_long_tasks_ms;
      out[`graphs_fit_frame_p95_ms${suffix}`] = f.graphs_fit_frame_p95_ms;
    }
    await browser.close();
    console.log(JSON.stringify({ ...out, initial_js_gzip_kb: js, interactive_ms: interactive }));
  } finally {
    if (server.pid) process.kill(-server.pid);
  }
}

void main();
