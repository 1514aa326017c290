/**
 * Lessons and files in a real browser: every gallery scenario opens and plays
 * to the final states its file documents; a share link reproduces the run;
 * broken files and links are refused with a message and change nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';

const dir = join(import.meta.dirname, '..', 'public', 'scenarios');
const gallery = JSON.parse(readFileSync(join(dir, 'gallery.json'), 'utf8')) as {
  id: string;
  file: string;
}[];

/** The documented final states (`# @final client=... server=...`) of a scenario file. */
function finalOf(file: string): Record<string, string> {
  const text = readFileSync(join(dir, file), 'utf8');
  const m = /^#\s*@final\s+(.*)$/m.exec(text);
  const out: Record<string, string> = {};
  for (const kv of (m?.[1] ?? '').trim().split(/\s+/)) {
    const [k, v] = kv.split('=');
    if (k && v) out[k] = v;
  }
  return out;
}

test('every gallery scenario opens from the gallery and plays to its documented end', async ({
  app,
}, info) => {
  test.setTimeout(120_000);
  await app.open();
  for (const g of gallery) {
    await app.page.getByRole('button', { name: 'Gallery' }).click();
    const dialog = app.page.getByRole('dialog', { name: 'Scenarios' });
    await dialog.locator('.ls-gallery button').nth(gallery.indexOf(g)).click();
    await expect(app.page.locator('.ls-notice')).toContainText(`Opened ${g.file}`);
    // Play it to its end through the app's own controls: fast, then step to the end.
    const end = await app.page.evaluate(() => window.tcpPlayground!.session.world.now);
    await app.seek(end);
    const finals = await app.page.evaluate(() => {
      const s = window.tcpPlayground!.session;
      const last = (side: 'client' | 'server') => {
        const conns = s.view.conns.filter((c) => c.side === side);
        return conns[conns.length - 1]?.state ?? null;
      };
      return { client: last('client'), server: last('server') };
    });
    const want = finalOf(g.file);
    for (const side of ['client', 'server'] as const)
      expect(finals[side], `${g.id}: ${side}`).toBe(want[side] ?? null);
  }
  await app.shot(info, 'gallery-last');
});

test('a share link reproduces the identical run', async ({ app, browser }) => {
  await app.open();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(30);
  await app.segment(/^client to server \[S\].*in flight/).focus();
  await app.page.keyboard.press('d');
  await app.seek(2500);
  await app.press('client', 'close()');
  await app.seek(4000);
  const trace = await app.page.evaluate(() =>
    window.tcpPlayground!.session.world.trace.toJsonLines(),
  );
  await app.page.getByRole('button', { name: 'Share link' }).click();
  const link = await app.page.locator('.ls-link input').inputValue();
  expect(link).toContain('#run=');
  const other = await browser.newPage();
  await other.goto(link);
  // Replayed in a worker, then rebuilt on the page.
  await expect(other.locator('.ls-notice')).toContainText('Opened the shared run');
  const again = await other.evaluate(() => {
    const s = window.tcpPlayground!.session;
    s.seek(4000);
    return s.world.trace.toJsonLines();
  });
  expect(again).toBe(trace);
  await other.close();
});

test('a broken file is refused with its line, and the screen stays as it was', async ({ app }) => {
  await app.open();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(1000);
  const before = await app.page.evaluate(() =>
    window.tcpPlayground!.session.world.trace.toJsonLines(),
  );
  await app.page.locator('input[type=file]').setInputFiles({
    name: 'bad.scenario',
    mimeType: 'text/plain',
    buffer: Buffer.from('seed 1\n0 clint s = socket()\n'),
  });
  await expect(app.page.locator('.ls-notice')).toContainText('bad.scenario:2:3');
  const after = await app.page.evaluate(() =>
    window.tcpPlayground!.session.world.trace.toJsonLines(),
  );
  expect(after).toBe(before);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
});

test('a broken share link is refused with a message, and the app opens as usual', async ({
  app,
}) => {
  await app.page.goto('/#run=not-valid-base64-%%%');
  await expect(app.page.locator('.ls-notice')).toContainText('This link could not be opened');
  await expect(
    app.region('server').getByRole('button', { name: 'listen()', exact: true }),
  ).toBeEnabled();
});

test('a reload keeps the session, and saved sessions can be named, reopened, renamed and deleted', async ({
  app,
}) => {
  await app.open();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(1000);
  const trace = await app.page.evaluate(() =>
    window.tcpPlayground!.session.world.trace.toJsonLines(),
  );
  // Saved as it changes (after a short pause).
  await expect
    .poll(() => app.page.evaluate(() => localStorage.getItem('tcp-playground.current') !== null))
    .toBe(true);
  await app.page.waitForTimeout(600);
  await app.page.reload();
  await expect(app.page.locator('.ls-notice')).toContainText('Restored your last session');
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  expect(
    await app.page.evaluate(() => window.tcpPlayground!.session.world.trace.toJsonLines()),
  ).toBe(trace);

  await app.page.getByRole('button', { name: 'Saved sessions' }).click();
  const dialog = app.page.getByRole('dialog', { name: 'Saved sessions' });
  await dialog.getByLabel('Name').fill('my handshake');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog.getByText('my handshake')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await app.page.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => app.state('client')).toBe('CLOSED');
  await app.page.getByRole('button', { name: 'Saved sessions' }).click();
  await dialog.getByRole('button', { name: 'Open my handshake' }).click();
  // Replayed in a worker (the dialog closes so its progress bar can be reached), then shown.
  await expect(app.page.locator('.ls-notice')).toContainText('Opened my handshake');
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  await app.page.getByRole('button', { name: 'Saved sessions' }).click();
  await dialog.getByRole('button', { name: 'Rename my handshake' }).click();
  await dialog.getByLabel('New name for my handshake').fill('three-way handshake');
  await dialog.getByRole('button', { name: 'Save name' }).click();
  await expect(dialog.getByText('three-way handshake')).toBeVisible();
  await expect(dialog.getByText('my handshake', { exact: true })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Delete three-way handshake' }).click();
  await expect(dialog.getByText('No saved sessions yet.')).toBeVisible();
});

test('a damaged stored session is reported and left alone; the app starts fresh', async ({
  app,
}) => {
  await app.page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('tcp-playground.current', '{"v":1,"run":"%%%"}');
    }
  });
  await app.page.goto('/');
  await expect(app.page.locator('.ls-notice')).toContainText('could not be restored');
  await expect.poll(() => app.state('client')).toBe('CLOSED');
  await expect(
    app.region('server').getByRole('button', { name: 'listen()', exact: true }),
  ).toBeEnabled();
  expect(await app.page.evaluate(() => localStorage.getItem('tcp-playground.current'))).toBe(
    '{"v":1,"run":"%%%"}',
  );
  // Only the person throws it away; then the session is saved again as it changes.
  await app.page.getByRole('button', { name: 'Discard the damaged session' }).click();
  await app.press('server', 'listen()');
  await expect
    .poll(() => app.page.evaluate(() => localStorage.getItem('tcp-playground.current')))
    .not.toBe('{"v":1,"run":"%%%"}');
});

test('a walkthrough runs through a gallery scenario with predictions and coverage', async ({
  app,
}, info) => {
  await app.open();
  await app.page.getByRole('button', { name: 'Gallery' }).click();
  await app.page
    .getByRole('dialog', { name: 'Scenarios' })
    .locator('.ls-gallery button')
    .first()
    .click();
  await app.page.getByRole('button', { name: 'Start walkthrough' }).click();
  const panel = app.page.locator('section.wt');
  await expect(panel).toBeVisible();
  let answered = 0;
  for (let i = 0; i < 12; i++) {
    const next = panel.getByRole('button', { name: /^Next/ });
    if (!(await next.isEnabled())) break;
    await next.click();
    const choices = panel.locator('.wt-choices button');
    if ((await choices.count()) > 0) {
      // Answer with the first choice; the panel says whether it was right.
      await choices.first().click();
      answered++;
      await expect(panel).toContainText(/Right|Not quite/);
    }
  }
  expect(answered).toBeGreaterThan(0);
  await expect(panel).toContainText(new RegExp(`Score: \\d+ / ${answered}`));
  await expect(panel).toContainText(/States seen: \d+ \/ 11/);
  await expect(panel).toContainText(/RFC 9293/);
  // The arrow keys step time, but not while a walkthrough button has focus.
  const before = await app.cursor();
  await panel.getByRole('button', { name: /Back/ }).focus();
  await app.page.keyboard.press('ArrowRight');
  await app.page.keyboard.press('ArrowLeft');
  expect(await app.cursor()).toBe(before);
  await app.shot(info, 'walkthrough');
});

test('exports: the timeline and the diagram as SVG and PNG, the run as pcap, the calls as C', async ({
  app,
}) => {
  await app.open();
  await handshakeAndData(app);
  const grab = async (label: string) => {
    const menu = app.page.locator('.ls-menu');
    if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
    const [d] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByRole('button', { name: label }).click(),
    ]);
    const path = await d.path();
    return { name: d.suggestedFilename(), bytes: readFileSync(path) };
  };
  const svg = await grab('Timeline as SVG');
  expect(svg.name).toBe('timeline.svg');
  expect(svg.bytes.toString('utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg.bytes.toString('utf8')).toContain('[S]');
  const png = await grab('State diagram as PNG');
  expect(png.name).toBe('state-diagram.png');
  expect([...png.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  expect(png.bytes.length).toBeGreaterThan(5000);
  const pcap = await grab('Capture as pcap');
  expect(pcap.bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
  await app.page.getByRole('button', { name: 'As C programs' }).click();
  const dialog = app.page.getByRole('dialog', { name: 'The session as C programs' });
  await expect(dialog).toContainText('htons(9821)');
  await expect(dialog).toContainText('send(fd, "hello", 5, 0)');
});

async function handshakeAndData(app: import('./fixtures').Playground): Promise<void> {
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(1000);
  await app.press('client', 'send()');
  await app.seek(1500);
}

test('the walkthrough stops before a state change that shares an instant with the one before it', async ({
  app,
}, info) => {
  await app.open();
  await app.page.getByRole('button', { name: 'Gallery' }).click();
  const dialog = app.page.getByRole('dialog', { name: 'Scenarios' });
  // simultaneous-close: both ends close at 1 s, the server's change first.
  await dialog
    .locator('.ls-gallery button')
    .nth(gallery.findIndex((g) => g.id === 'simultaneous-close'))
    .click();
  await expect(app.page.locator('.ls-notice')).toContainText('Opened simultaneous-close.scenario');
  await app.page.getByRole('button', { name: 'Start walkthrough' }).click();
  const panel = app.page.locator('section.wt');
  const question = panel.getByText('What will the client’s state be next?');
  for (let i = 0; i < 20; i++) {
    await panel.getByRole('button', { name: /^Next/ }).click();
    if ((await question.count()) > 0 && (await app.cursor()) === 1000) break;
    const skip = panel.getByRole('button', { name: 'Just show me' });
    if ((await skip.count()) > 0) await skip.click();
  }
  // Asked about the client's change at 1 s: the server has already gone to FIN_WAIT_1
  // at that instant, the client has not yet.
  await expect(panel.getByRole('heading', { name: 'ESTABLISHED → ?' })).toBeVisible();
  await expect.poll(() => app.cursor()).toBe(1000);
  await expect.poll(() => app.state('server')).toBe('FIN_WAIT_1');
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  await app.shot(info, 'walkthrough-between');
  // Answered, the change shows.
  await panel.getByRole('button', { name: 'Just show me' }).click();
  await expect.poll(() => app.state('client')).toBe('FIN_WAIT_1');
});
