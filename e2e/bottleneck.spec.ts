/**
 * The link panel's bottleneck: a rate and a queue limit set with its controls
 * reach the link, the queue at the cursor is shown, and a segment that finds
 * the queue full is named as such on the timeline and in the event log.
 */
import { expect, test } from './fixtures';

test('a bottleneck set in the link panel fills its queue and drops what does not fit', async ({
  app,
}, info) => {
  await app.open();
  const panel = app.page.getByRole('region', { name: 'Link' });
  const rate = panel.getByRole('spinbutton', { name: 'client → server Bottleneck rate (Mbit/s)' });
  const queue = panel.getByRole('spinbutton', { name: 'client → server Queue limit' });
  await rate.fill('1');
  await queue.fill('4');
  await expect
    .poll(() =>
      app.page.evaluate(() => {
        const c = window.tcpPlayground!.session.world.link.config.client;
        return { rate: c.rate, queue: c.queue };
      }),
    )
    .toEqual({ rate: 1_000_000, queue: { packets: 4 } });
  // Bytes instead: the same number in KB.
  await panel.getByRole('combobox', { name: 'Queue limit unit' }).first().selectOption('KB');
  await expect
    .poll(() =>
      app.page.evaluate(() => window.tcpPlayground!.session.world.link.config.client.queue),
    )
    .toEqual({ bytes: 4096 });
  await panel.getByRole('combobox', { name: 'Queue limit unit' }).first().selectOption('packets');

  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(300);
  await app.page.evaluate(() => window.tcpPlayground!.session.send('client', 'x'.repeat(30_000)));
  // 1 Mbit/s: a full segment takes 12 ms; a few ms after the burst the queue is full.
  await app.seek(305);
  await expect(panel.locator('output').first()).toHaveText(/^4 packets · 5\.\d KB$/);
  await expect(panel.getByRole('meter').first()).toHaveJSProperty('value', 4);

  // The segments that did not fit, named on the timeline and in the event log.
  await expect(app.segment(/dropped: the bottleneck queue was full/).first()).toBeAttached();
  const log = app.page.getByRole('region', { name: 'Event log' });
  await log.scrollIntoViewIfNeeded();
  await expect(log.getByText(/dropped: the bottleneck queue is full/).first()).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await app.shot(info, 'bottleneck');
});
