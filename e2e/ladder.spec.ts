/**
 * The ladder in a dense view: its arrows at rest are painted on a canvas, and
 * an export of the timeline still shows them (as SVG paths), as it shows the
 * SVG's own marks.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

test('a dense timeline exports the arrows its canvas paints', async ({ app }) => {
  await app.open();
  // A bulk transfer the server reads every 100 ms, over a 20 ms link: hundreds of
  // segments in the follow view's 1.5 s. Virtual time only: no wall-clock waits.
  const segments = await app.page.evaluate(() => {
    const s = window.tcpPlayground!.session;
    s.setLink('client', { delay: 20 });
    s.setLink('server', { delay: 20 });
    s.listen();
    s.connect();
    s.seek(200);
    s.send('client', 'x'.repeat(3_000_000));
    const w = s.world;
    while (w.trace.segments.length < 1500 && w.sched.peekTime() !== undefined) {
      const fd = s.socketsOf('server').connFd;
      if (fd !== null) s.call('server', { name: 'recv', fd, len: 1 << 20 });
      s.seek(w.now + 100);
    }
    s.pause();
    s.seek(w.now - 300);
    return w.trace.segments.length;
  });
  expect(segments).toBeGreaterThanOrEqual(1500);
  await expect(app.page.locator('.ladder-dense')).toContainText(/\d+ segments in view/);
  const inView = Number(
    /(\d+) segments/.exec((await app.page.locator('.ladder-dense').textContent()) ?? '')![1],
  );
  // The SVG keeps only the arrows still moving (and the selected and focused ones).
  expect(await app.page.locator('.ladder-svg [data-seg-id]').count()).toBeLessThan(inView / 4);

  const menu = app.page.locator('.ls-menu');
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
  const [d] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.getByRole('button', { name: 'Timeline as SVG' }).click(),
  ]);
  const svg = readFileSync(await d.path()).toString('utf8');
  const layer = /<g data-canvas-layer="(\d+)"[^>]*>(.*?)<\/g>/s.exec(svg);
  expect(layer).not.toBeNull();
  // Most of the arrows in view are in the exported layer, one line each.
  const items = Number(layer![1]);
  expect(items).toBeGreaterThan(inView / 2);
  const lines = (layer![2]!.match(/<path d="[^"]*"[^>]*fill="none"[^>]*stroke-width="1.25"/g) ?? [])
    .map((p) => (p.match(/M/g) ?? []).length)
    .reduce((a, b) => a + b, 0);
  expect(lines).toBe(items);
  // Labels too, and the layer lies under the SVG's own marks, inside its clip.
  expect(layer![2]).toMatch(/<text[^>]*>\[\.\] seq \d+ ack \d+ len \d+<\/text>/);
  expect(svg.indexOf('data-canvas-layer')).toBeLessThan(svg.indexOf('data-seg-id'));

  // The PNG comes from the same SVG.
  const [p] = await Promise.all([
    app.page.waitForEvent('download'),
    app.page.getByRole('button', { name: 'Timeline as PNG' }).click(),
  ]);
  const png = readFileSync(await p.path());
  expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
});

test('the ladder fits a parent of fixed height', async ({ app }) => {
  await app.open();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(1000);
  // Whatever the page's layout, a parent 300 px high holds the whole ladder.
  await app.page.evaluate(() => {
    const panel = document.querySelector<HTMLElement>('.ladder')!.parentElement!;
    panel.style.height = '300px';
    panel.style.overflow = 'hidden';
  });
  const plot = app.page.locator('.ladder-plot');
  await expect
    .poll(async () => {
      const [p, l] = await Promise.all([
        plot.boundingBox(),
        app.page.locator('.ladder').evaluate((e) => e.parentElement!.getBoundingClientRect()),
      ]);
      return p!.y + p!.height <= l.bottom + 1;
    })
    .toBe(true);
  await expect(app.segment(/^client to server \[S\] seq 0\b/)).toHaveCount(1);
});
