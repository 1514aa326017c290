/**
 * Hostile files and links never freeze the page: they are parsed and run in a
 * worker, within a work budget, with a progress bar and a Cancel button; what
 * is refused or cancelled leaves the run on screen exactly as it was.
 *
 * Nothing here waits on the wall clock. To see the progress bar before the
 * worker can finish, a test holds back the worker's script (page.route) and
 * lets it go once the bar is on screen; to be sure the worker is still busy
 * when Cancel is pressed, a test raises the budget through the typed hook
 * (window.tcpPlayground.budget), so the run cannot end by itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { encodeRun, parseScenario, runScenario } from '../src/core';
import { Playground, expect, test } from './fixtures';

const scenarios = join(import.meta.dirname, '..', 'public', 'scenarios');

/**
 * A zero window and a 1 ms RTO: the client probes the closed window every
 * millisecond, for as long as the run goes on (issue 9, class 5).
 */
const ZERO_WINDOW = `
link both delay 0.1ms
set rcvBuf 1000
set rtoMin 1ms
set rtoInitial 1ms
set rtoMax 1ms
0 server l = socket()
0 server bind(l, 9821)
0 server listen(l, 8)
0 server c = accept(l)
0 client s = socket()
+0 client connect(s, server)
+0 client send(s, 100000)
`;

/** A share link, built with the app's own codec, whose cursor is an hour into that run. */
function foreverLink(): string {
  const { world } = runScenario(parseScenario(`${ZERO_WINDOW}run 10ms\n`, 'forever'));
  const run = { v: 1, options: world.options, inputs: world.inputs, cursor: 3_600_000 } as const;
  return `#run=${encodeRun(run)}`;
}

/** The run on screen, to compare before and after. */
async function snapshot(app: Playground) {
  return app.page.evaluate(() => {
    const s = window.tcpPlayground!.session;
    return { trace: s.world.trace.toJsonLines(), cursor: s.cursor, now: s.world.now };
  });
}

/** Some work on screen: a connection, 1 s in. */
async function someWork(app: Playground) {
  await app.open();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(1000);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  return snapshot(app);
}

/** Hold back the worker's script until `release()`: the opening waits with its bar on screen. */
async function holdWorker(page: Page): Promise<() => void> {
  let release = (): void => undefined;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/open.worker*', async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

const notice = (app: Playground) => app.page.locator('.ls-notice');

test('a scenario file that starts with a UTF-8 BOM opens and plays', async ({ app }) => {
  const before = await someWork(app);
  const text = readFileSync(join(scenarios, 'handshake.scenario'));
  await app.page.locator('input[type=file]').setInputFiles({
    name: 'bom.scenario',
    mimeType: 'text/plain',
    buffer: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]),
  });
  await expect(notice(app)).toContainText('Opened bom.scenario');
  const after = await snapshot(app);
  expect(after.trace).not.toBe(before.trace);
  await app.seek(after.now);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  await expect.poll(() => app.state('server')).toBe('ESTABLISHED');
});

// Relies on the lexer fix ("Lexer: …" from branch `formats`). Without it the worker loops
// in the parser while the page stays usable, and the opening is stopped as stalled after
// STALL_MS (8 s) — then this test fails, as it should. (The BOM test above passes either
// way in a browser: File.text() decodes UTF-8 and drops one leading BOM.)
test('a file with a no-break space (which once hung the parser) is opened or refused by line', async ({
  app,
}) => {
  const before = await someWork(app);
  await app.page.locator('input[type=file]').setInputFiles({
    name: 'nbsp.scenario',
    mimeType: 'text/plain',
    buffer: Buffer.from('seed 1\n0\u00a0client s = socket()\n'),
  });
  await expect(notice(app)).toContainText(
    /Opened nbsp\.scenario|Could not open nbsp\.scenario: nbsp\.scenario:2:\d+/,
  );
  if ((await notice(app).textContent())?.includes('Could not open'))
    expect(await snapshot(app)).toEqual(before);
});

test('a share link that would run forever shows its progress, then is refused; the run on screen stays', async ({
  app,
}, info) => {
  const before = await someWork(app);
  const release = await holdWorker(app.page);
  // Pasted into the address bar of the open page.
  await app.page.evaluate((hash) => (location.hash = hash), foreverLink());
  const bar = app.page.getByRole('progressbar', { name: 'Opening the shared run…' });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute('aria-valuenow', '0');
  await expect(app.page.getByRole('button', { name: 'Cancel', exact: true })).toBeEnabled();
  const audit = await new AxeBuilder({ page: app.page }).include('.ls-progress').analyze();
  expect(audit.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await app.shot(info, 'progress');
  release();
  await expect(notice(app)).toContainText(
    /This link could not be opened: the run needs more than [\d,]+ (events|segments) — more than the app runs/,
  );
  await expect(notice(app)).toContainText('Your work is as it was.');
  await expect(bar).toBeHidden();
  expect(await snapshot(app)).toEqual(before);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  await app.shot(info, 'refused');
});

test('Cancel during a long run stops the worker and leaves the run on screen as it was', async ({
  app,
}, info) => {
  const before = await someWork(app);
  // A budget no run reaches: only Cancel can end this one.
  await app.page.evaluate(() => {
    window.tcpPlayground!.budget = { events: 1e9, segments: 1e9 };
  });
  await app.page.locator('input[type=file]').setInputFiles({
    name: 'forever.scenario',
    mimeType: 'text/plain',
    buffer: Buffer.from(`${ZERO_WINDOW}run 3600s\n`),
  });
  const bar = app.page.getByRole('progressbar', { name: 'Opening forever.scenario…' });
  // The worker is running: it has reported events done.
  await expect(bar).toHaveAttribute('aria-valuetext', /[1-9][\d,]* of 1,000,000,000 events/);
  await app.shot(info, 'running');
  await app.page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(bar).toBeHidden();
  await expect(notice(app)).toContainText(
    'Stopped opening forever.scenario. Your work is as it was.',
  );
  expect(await snapshot(app)).toEqual(before);
  // The page is alive and acts as before.
  await app.press('client', 'close()');
  await app.seek(before.now + 500);
  await expect.poll(() => app.state('client')).not.toBe('ESTABLISHED');
});

test('in 简体中文: the progress bar and Cancel are named, and Cancel keeps the work', async ({
  app,
}) => {
  const zh = new Playground(app.page, { client: '客户端', server: '服务器' });
  await zh.open('zh');
  const before = await snapshot(zh);
  const release = await holdWorker(zh.page);
  await zh.page.evaluate((hash) => (location.hash = hash), foreverLink());
  const bar = zh.page.getByRole('progressbar', { name: '正在打开 分享的运行…' });
  await expect(bar).toBeVisible();
  await zh.page.getByRole('button', { name: '取消', exact: true }).click();
  await expect(bar).toBeHidden();
  await expect(notice(zh)).toContainText('已停止打开 分享的运行。你的工作保持原样。');
  release();
  expect(await snapshot(zh)).toEqual(before);
});
