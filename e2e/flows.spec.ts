/**
 * What a person does in the app, in a real Chromium: the handshake and the
 * teardown by clicks, dropping segments, time travel, and the same in Chinese.
 * Virtual time moves through the app's test hook; each flow keeps a screenshot.
 */
import AxeBuilder from '@axe-core/playwright';
import { Playground, expect, test } from './fixtures';

async function handshake(app: Playground): Promise<void> {
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(1000);
}

test('handshake by clicks: SYN_SENT and SYN_RECEIVED, then ESTABLISHED on both ends', async ({
  app,
}, info) => {
  await app.open();
  await handshake(app);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  await expect.poll(() => app.state('server')).toBe('ESTABLISHED');
  await expect.poll(() => app.statesSeen('client')).toEqual(['SYN_SENT', 'ESTABLISHED']);
  await expect
    .poll(() => app.statesSeen('server'))
    .toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED']);
  await expect(app.region('client')).toContainText('ESTABLISHED');
  await expect(app.region('server')).toContainText('ESTABLISHED');
  // The timeline: [S], [S.], [.] with relative numbers.
  await expect(app.segment(/^client to server \[S\] seq 0\b/)).toHaveCount(1);
  await expect(app.segment(/^server to client \[S\.\] seq 0 ack 1\b/)).toHaveCount(1);
  await expect(app.segment(/^client to server \[\.\] seq 1 ack 1\b/)).toHaveCount(1);
  // The diagram marks both states.
  await expect(
    app.page.getByRole('group', { name: /Client: ESTABLISHED; Server: ESTABLISHED/ }),
  ).toBeVisible();
  await app.shot(info, 'handshake');
});

test('teardown: FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, LAST_ACK, TIME_WAIT, then CLOSED', async ({
  app,
}, info) => {
  await app.open();
  await handshake(app);
  await app.press('client', 'close()');
  await app.seek(1300);
  await expect.poll(() => app.state('client')).toBe('FIN_WAIT_2');
  await expect.poll(() => app.state('server')).toBe('CLOSE_WAIT');
  await app.press('server', 'recv()');
  await app.seek(1400);
  await expect(app.page.getByRole('button', { name: /server.*recv\(4, 1024\) = 0/ })).toBeVisible();
  await app.press('server', 'close()');
  await app.seek(1700);
  await expect.poll(() => app.state('client')).toBe('TIME_WAIT');
  await app.shot(info, 'time-wait');
  await expect
    .poll(() => app.statesSeen('client'))
    .toEqual(['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT']);
  await expect
    .poll(async () => (await app.statesSeen('server')).slice(-3))
    .toEqual(['CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
  await app.seek(62_000);
  await expect.poll(() => app.state('client')).toBe('CLOSED');
  await app.shot(info, 'teardown');
});

test('dropping the SYN in flight: the client retransmits it after the RTO', async ({
  app,
}, info) => {
  await app.open();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(25);
  const syn = app.segment(/^client to server \[S\] seq 0\b.*in flight/);
  await syn.focus();
  await app.page.keyboard.press('d');
  await expect(app.segment(/^client to server \[S\] seq 0\b.*dropped/)).toHaveCount(1);
  await app.seek(1200);
  await expect(app.segment(/^client to server \[S\] seq 0\b.*retransmission/)).toHaveCount(1);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  await app.shot(info, 'syn-dropped');
});

test('dropping the last ACK of the teardown: the FIN comes again and TIME_WAIT starts over', async ({
  app,
}, info) => {
  await app.open();
  await handshake(app);
  await app.press('client', 'close()');
  await app.seek(1300);
  await app.press('server', 'recv()');
  await app.press('server', 'close()');
  // Time is paused (seek pauses it), so both clicks happen at 1300 ms, however long
  // the machine took between them.
  const closedAt = await app.page.evaluate(() => {
    const closes = window.tcpPlayground!.session.world.inputs.filter(
      (i) =>
        i.action.kind === 'call' && i.action.side === 'server' && i.action.call.name === 'close',
    );
    return closes[closes.length - 1]!.t;
  });
  expect(closedAt).toBe(1300);
  // The server's FIN reaches the client at +50 ms; the client's ACK is then in flight.
  await app.seek(1375);
  await expect.poll(() => app.state('client')).toBe('TIME_WAIT');
  const lastAck = app.segment(/^client to server \[\.\].*in flight/);
  await expect(lastAck).toHaveCount(1);
  await lastAck.focus();
  await app.page.keyboard.press('d');
  await app.seek(3000);
  await expect(app.segment(/^server to client \[F\.\].*retransmission/)).toHaveCount(1);
  // The server's connection is gone (its panel shows the listener again).
  await expect
    .poll(async () => (await app.statesSeen('server')).slice(-2))
    .toEqual(['LAST_ACK', 'CLOSED']);
  const armed = await app.page.evaluate(
    () =>
      window.tcpPlayground!.session.world.trace.records.filter(
        (r) => r.kind === 'timer' && r.timer === 'timeWait' && r.op === 'armed',
      ).length,
  );
  expect(armed).toBe(2);
  await app.shot(info, 'last-ack-dropped');
});

test('scrubbing back and forth shows the same states; acting in the past forks a new run', async ({
  app,
}, info) => {
  await app.open();
  await handshake(app);
  await app.seek(75);
  await expect.poll(() => app.state('client')).toBe('SYN_SENT');
  await expect.poll(() => app.state('server')).toBe('SYN_RECEIVED');
  await app.seek(1000);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  await app.seek(75);
  await expect.poll(() => app.state('client')).toBe('SYN_SENT');
  // The SYN,ACK is in flight at 75 ms: drop it, in the past.
  const synAck = app.segment(/^server to client \[S\.\].*in flight/);
  await synAck.focus();
  await app.page.keyboard.press('d');
  expect(await app.page.evaluate(() => window.tcpPlayground!.session.world.now)).toBeLessThan(1000);
  await app.seek(1000);
  await expect.poll(() => app.state('client')).toBe('SYN_SENT');
  await app.seek(2500);
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
  await app.shot(info, 'forked');
});

test('the same handshake in Chinese', async ({ app }, info) => {
  const zh = new Playground(app.page, { client: '客户端', server: '服务器' });
  await zh.open('zh');
  await expect(app.page.getByRole('heading', { level: 1 })).toHaveText('TCP 演练场');
  await handshake(zh);
  expect(await zh.state('client')).toBe('ESTABLISHED');
  await expect(zh.region('server')).toContainText('ESTABLISHED');
  await zh.shot(info, 'handshake-zh');
});

test('no serious or critical accessibility violations, in both languages and themes', async ({
  app,
}) => {
  for (const [lang, theme] of [
    ['en', 'light'],
    ['zh', 'dark'],
  ] as const) {
    await app.page.addInitScript((t) => localStorage.setItem('tcp-playground.theme', t), theme);
    // Start each round fresh, not from the session the last one left behind.
    if (lang === 'zh')
      await app.page.evaluate(() => localStorage.removeItem('tcp-playground.current'));
    const p =
      lang === 'en' ? app : new Playground(app.page, { client: '客户端', server: '服务器' });
    await p.open(lang);
    await handshake(p);
    // With a segment selected, so the header inspector is audited too.
    await app.page.evaluate(() => window.tcpPlayground!.session.select(1));
    await expect(app.page.locator('.hi-body')).toBeVisible();
    const results = await new AxeBuilder({ page: app.page }).analyze();
    const bad = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`);
    expect(bad, `${lang}/${theme}`).toEqual([]);
  }
});

test('the production page carries a Content-Security-Policy and no inline script', async ({
  app,
}) => {
  await app.open();
  const csp = await app.page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("default-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  const inline = await app.page.evaluate(
    () => [...document.scripts].filter((s) => !s.src && s.textContent?.trim()).length,
  );
  expect(inline).toBe(0);
});
