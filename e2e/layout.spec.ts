/**
 * The first screen, as a person sees it at common sizes: with a handshake on
 * screen and a segment selected, both endpoints' states, the ladder, the state
 * diagram, the step explanation and the selected segment's header fields are
 * all inside the window without scrolling. On a phone the page is one column
 * with no sideways scrolling, the time controls stay reachable, and tabs switch
 * between the views.
 */
import type { Locator, Page } from '@playwright/test';
import { Playground, expect, test } from './fixtures';

/** Fully inside the viewport (with a pixel of rounding). */
async function inView(page: Page, what: Locator, name: string): Promise<void> {
  const vp = page.viewportSize()!;
  await expect(what, name).toBeVisible();
  const box = (await what.boundingBox())!;
  expect(box, name).not.toBeNull();
  expect(box.x, `${name}: left edge`).toBeGreaterThanOrEqual(-1);
  expect(box.y, `${name}: top edge`).toBeGreaterThanOrEqual(-1);
  expect(box.x + box.width, `${name}: right edge`).toBeLessThanOrEqual(vp.width + 1);
  expect(box.y + box.height, `${name}: bottom edge`).toBeLessThanOrEqual(vp.height + 1);
}

async function handshakeSelected(app: Playground): Promise<void> {
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(1000);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  // Select the SYN,ACK (segment #1), as a click on it does.
  await app.page.evaluate(() => window.tcpPlayground!.session.select(1));
}

for (const [width, height] of [
  [1440, 900],
  [1280, 800],
] as const) {
  test(`at ${width}×${height} a handshake shows every view without scrolling`, async ({
    app,
  }, info) => {
    await app.page.setViewportSize({ width, height });
    await app.open();
    await handshakeSelected(app);
    const page = app.page;
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    for (const side of ['client', 'server'] as const) {
      const state = app.region(side).locator('.ep-state-name');
      await expect(state).toHaveText('ESTABLISHED');
      await inView(page, state, `${side} state`);
    }
    await inView(page, page.getByRole('heading', { name: 'Timeline' }), 'ladder heading');
    await inView(page, app.segment(/^server to client \[S\.\] seq 0 ack 1\b/), 'the SYN,ACK');
    await inView(
      page,
      page.getByRole('group', { name: /Client: ESTABLISHED; Server: ESTABLISHED/ }),
      'state diagram',
    );
    await inView(page, page.getByRole('heading', { name: 'This step' }), 'step heading');
    await inView(page, page.getByText('Source Port'), 'header field: Source Port');
    await inView(
      page,
      page.getByText('Acknowledgment Number'),
      'header field: Acknowledgment Number',
    );
    // Nothing sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
    await app.shot(info, `first-screen-${width}`);
  });
}

test('on a phone: one column, states always shown, views by tabs, time controls in reach', async ({
  app,
}, info) => {
  const page = app.page;
  await page.setViewportSize({ width: 390, height: 844 });
  await app.open();
  const noSideways = async () =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
  await noSideways();
  // The endpoints' buttons are one tab away.
  await page.getByRole('button', { name: 'Endpoints' }).click();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await noSideways();
  // The server's address and its TCB fields are not cut off.
  await inView(page, app.region('server').locator('.ep-addr'), 'server address');
  // Time controls stay at hand, at the bottom of the window, after scrolling too.
  await page.mouse.wheel(0, 2000);
  const play = page.getByRole('button', { name: /Play|Pause/ });
  await inView(page, play, 'play button');
  await app.seek(1000);
  // Both states are in sight whichever view is chosen.
  const strip = page.locator('.state-strip');
  await expect(strip).toContainText('ESTABLISHED');
  for (const view of ['Timeline', 'State diagram', 'Header', 'Endpoints']) {
    await page.getByRole('button', { name: view, exact: true }).click();
    await inView(page, strip, `state strip (${view})`);
    await noSideways();
  }
  await page.getByRole('button', { name: 'Timeline', exact: true }).click();
  await inView(page, page.getByRole('heading', { name: 'Timeline' }), 'ladder');
  await expect(app.segment(/^server to client \[S\.\] seq 0 ack 1\b/)).toHaveCount(1);
  await page.getByRole('button', { name: 'State diagram', exact: true }).click();
  await inView(
    page,
    page.getByRole('group', { name: /Client: ESTABLISHED; Server: ESTABLISHED/ }),
    'state diagram',
  );
  await app.shot(info, 'phone-diagram');
});
