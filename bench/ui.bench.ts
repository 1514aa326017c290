/**
 * UI benchmark (npm run bench:ui): builds the app, serves it with `vite
 * preview`, drives Debian's Chromium and ends with one JSON line:
 *   {"frame_p95_ms", "seek_ms", "initial_js_gzip_kb", "interactive_ms"}
 * - frame_p95_ms: 95th percentile of frame intervals while playing a run with
 *   10,000 segments on the timeline;
 * - seek_ms: median time from a jump to a random instant of that run to the
 *   next painted frame;
 * - initial_js_gzip_kb: gzipped size of the JavaScript the first page loads;
 * - interactive_ms: from navigation to the first button a person can press.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';

const root = join(import.meta.dirname, '..');
const PORT = 4311;

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

async function main(): Promise<void> {
  execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'ignore' });
  const js = initialJsGzipKb();
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
    cwd: root,
    stdio: 'ignore',
    detached: true,
  });
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const browser = await chromium.launch({
      executablePath: findChromium(),
      args: [...CHROMIUM_ARGS],
    });
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

    // A run with 10,000 segments: a bulk transfer over a link with 20 ms delay and 2% loss.
    const segments = await page.evaluate(() => {
      const s = window.tcpPlayground!.session;
      s.setLink('client', { delay: 20, loss: 0.02 });
      s.setLink('server', { delay: 20, loss: 0.02 });
      s.listen();
      s.connect();
      s.seek(200);
      s.send('client', 'x'.repeat(7_000_000));
      const w = s.world;
      while (w.trace.segmentCount < 10_000 && w.sched.peekTime() !== undefined) s.seek(w.now + 200);
      s.pause();
      return w.trace.segmentCount;
    });

    // Frames while playing through the run at 1× from its start.
    const frames = await page.evaluate(async () => {
      const s = window.tcpPlayground!.session;
      s.seek(0);
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
      return deltas.slice(5);
    });
    frames.sort((a, b) => a - b);
    const p95 = frames[Math.floor(frames.length * 0.95)] ?? NaN;

    // Seeks to random instants, timed to the next painted frame.
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
    seeks.sort((a, b) => a - b);
    await browser.close();
    console.log(
      `run: ${segments} segments; ${frames.length} frames measured; ${seeks.length} seeks`,
    );
    console.log(
      JSON.stringify({
        frame_p95_ms: Number(p95.toFixed(1)),
        seek_ms: Number((seeks[Math.floor(seeks.length / 2)] ?? NaN).toFixed(1)),
        initial_js_gzip_kb: js,
        interactive_ms: Math.round(interactive),
      }),
    );
  } finally {
    if (server.pid) process.kill(-server.pid);
  }
}

void main();
