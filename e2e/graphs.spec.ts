/**
 * The data-transfer graphs in a real browser: opened on a gallery scenario
 * with lost data, their marks are there (reached with the keyboard, which
 * names each one), and a mark clicked or chosen with Enter selects its
 * segment in the inspector. On a phone they are a tab of their own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Playground } from './fixtures';

const dir = join(import.meta.dirname, '..', 'public', 'scenarios');
const gallery = JSON.parse(readFileSync(join(dir, 'gallery.json'), 'utf8')) as { id: string }[];

async function openLostData(app: Playground): Promise<void> {
  await app.page.getByRole('button', { name: 'Gallery' }).click();
  await app.page
    .getByRole('dialog', { name: 'Scenarios' })
    .locator('.ls-gallery button')
    .nth(gallery.findIndex((g) => g.id === 'lost-data'))
    .click();
  await expect(app.page.locator('.ls-notice')).toContainText('Opened lost-data.scenario');
  const end = await app.page.evaluate(() => window.tcpPlayground!.session.world.now);
  await app.seek(end);
}

const selected = (app: Playground) =>
  app.page.evaluate(() => window.tcpPlayground!.session.selected);

test('the graphs show the lost data and its retransmissions; a mark selects its segment', async ({
  app,
}, info) => {
  await app.page.setViewportSize({ width: 1440, height: 900 });
  await app.open();
  await openLostData(app);
  // Closed at first; opening loads them.
  const pane = app.page.getByRole('region', { name: 'Graphs' });
  await pane.getByRole('button', { name: 'Show graphs' }).click();
  const plot = pane.getByRole('img', { name: /^Time–sequence graph of the data Client → Server/ });
  await expect(plot).toBeVisible();
  await expect(
    pane.getByRole('img', { name: /^Congestion graph of Client → Server/ }),
  ).toBeVisible();
  // The legend tells the marks apart by name as well as by shape and colour.
  for (const name of ['data segment', 'retransmission', 'lost', 'ACK (cumulative)', 'SACK block'])
    await expect(pane.locator('.gr-legend').first()).toContainText(name);

  // The keyboard walks the marks: the last one sent is the retransmission that got
  // through, before it the lost retransmission, then the lost original.
  await plot.focus();
  const live = pane.locator('[aria-live="polite"]');
  await app.page.keyboard.press('End');
  await expect(live).toHaveText(/^Segment #\d+: seq 1–7, sent at 1\.050 s, retransmitted$/);
  await app.page.keyboard.press('ArrowLeft');
  await expect(live).toHaveText(/^Segment #\d+: seq 1–7, sent at 0\.450 s, retransmitted, lost$/);
  await app.page.keyboard.press('ArrowLeft');
  await expect(live).toHaveText(/^Segment #\d+: seq 1–7, sent at 0\.150 s, lost$/);
  const lostId = Number((await live.textContent())!.match(/#(\d+)/)![1]);
  // Enter selects it: the inspector shows that segment.
  await app.page.keyboard.press('Enter');
  await expect.poll(() => selected(app)).toBe(lostId);
  await expect(app.page.locator('.hi-segid')).toHaveText(`Segment #${lostId}`);

  // A click on a mark selects it too: the one the focus ring stands on.
  await app.page.keyboard.press('End');
  const ring = pane.locator('.gr-focus');
  const rtxId = Number(await ring.getAttribute('data-seg-id'));
  expect(rtxId).not.toBe(lostId);
  const box = (await ring.boundingBox())!;
  await app.page.evaluate(() => window.tcpPlayground!.session.select(null));
  await app.page.mouse.click(box.x + box.width / 2, box.y + box.height - 8);
  await expect.poll(() => selected(app)).toBe(rtxId);
  await expect(app.page.locator('.hi-segid')).toHaveText(`Segment #${rtxId}`);
  await app.shot(info, 'graphs-lost-data');
});

test('the graphs compare with the run before a fork', async ({ app }) => {
  await app.open();
  await openLostData(app);
  const pane = app.page.getByRole('region', { name: 'Graphs' });
  await pane.getByRole('button', { name: 'Show graphs' }).click();
  const compare = pane.getByRole('combobox', { name: 'Compare with' });
  // No fork yet: nothing to compare with before one.
  await expect(compare.getByRole('option', { name: 'the run before the fork' })).toBeDisabled();
  // Acting in the past forks the run.
  await app.seek(300);
  await app.page.evaluate(() => window.tcpPlayground!.session.dropNext('server'));
  await expect(compare.getByRole('option', { name: 'the run before the fork' })).toBeEnabled();
  await compare.selectOption({ label: 'the run before the fork' });
  await expect(pane.getByRole('status')).toHaveText('compared: the run before the fork');
  await expect(pane.locator('.gr-legend').first()).toContainText(
    'compared run: the run before the fork',
  );
  // The same inputs under the other profile: replayed, then drawn under the run.
  await compare.selectOption({ label: 'same run with profile=rfc' });
  await expect(pane.getByRole('status')).toHaveText('compared: same run with profile=rfc');
});

test('on a phone the graphs are a tab of their own', async ({ app }) => {
  await app.page.setViewportSize({ width: 390, height: 844 });
  await app.open();
  await openLostData(app);
  await app.page.getByRole('button', { name: 'Graphs', exact: true }).click();
  const pane = app.page.getByRole('region', { name: 'Graphs' });
  await expect(
    pane.getByRole('img', { name: /^Time–sequence graph of the data Client → Server/ }),
  ).toBeVisible();
  // The other views are out of the way, and nothing scrolls sideways.
  await expect(app.page.getByRole('heading', { name: 'Timeline' })).toBeHidden();
  expect(await app.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    390,
  );
  await app.page.getByRole('button', { name: 'Timeline', exact: true }).click();
  await expect(pane).toBeHidden();
});

test('a segment dropped in a bulk transfer: the congestion graph shows the window fall', async ({
  app,
}, info) => {
  await app.page.setViewportSize({ width: 1440, height: 900 });
  await app.open();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(200);
  await app.page.evaluate(() => window.tcpPlayground!.session.send('client', 'x'.repeat(200_000)));
  const pane = app.page.getByRole('region', { name: 'Graphs' });
  await pane.getByRole('button', { name: 'Show graphs' }).click();
  const now = pane.locator('.gr-now');
  const read = async (): Promise<{ cwnd: number; ssthresh: string; phase: string }> => {
    const text = (await now.textContent()) ?? '';
    const m = /cwnd (\d+) bytes .*ssthresh ([\d—]+),.*, ([a-zA-Z ]+)$/.exec(text);
    return m
      ? { cwnd: Number(m[1]), ssthresh: m[2]!, phase: m[3]! }
      : { cwnd: NaN, ssthresh: '', phase: '' };
  };
  // Two round trips of slow start: the window has grown past its initial 10 segments,
  // and the burst its ACKs let out is on its way.
  await app.seek(420);
  await expect.poll(async () => (await read()).cwnd).toBeGreaterThan(10 * 1448);
  const before = await read();
  expect(before.ssthresh).toBe('—');
  expect(before.phase).toBe('slow start');
  // Drop one data segment on its way, as a person would: focus it on the timeline, press d.
  const inFlight = app
    .segment(/^client to server \[\.\] seq \d+ ack 1 length 1448, in flight/)
    .first();
  await inFlight.focus();
  await app.page.keyboard.press('d');
  await expect(
    app.segment(/^client to server \[\.\] seq \d+ ack 1 length 1448, dropped/),
  ).toHaveCount(1);
  // Step the cursor through the next round trips: the SACKs show the hole, the sender
  // enters fast recovery with a threshold, and its window falls below where it was.
  const seen: { cwnd: number; ssthresh: string; phase: string }[] = [];
  for (let t = 440; t <= 800; t += 20) {
    await app.seek(t);
    await expect.poll(async () => Number.isNaN((await read()).cwnd)).toBe(false);
    seen.push(await read());
  }
  const recovery = seen.findIndex((r) => r.phase === 'fast recovery');
  expect(recovery).toBeGreaterThan(0);
  const peak = Math.max(...seen.slice(0, recovery).map((r) => r.cwnd));
  expect(seen[recovery]!.cwnd).toBeLessThan(peak);
  expect(Number(seen[recovery]!.ssthresh)).toBeLessThan(peak);
  await app.shot(info, 'graphs-cwnd-falls');
});
