/**
 * Broken input never clobbers the work on screen: thirty broken scenario
 * files and thirty broken share links, each refused with a message that
 * names the problem while the run on screen stays byte for byte the same.
 */
import { expect, test } from './fixtures';

const BROKEN_FILES: [string, RegExp][] = [
  ['0 clint s = socket()', /:1:3: .*client or server/],
  ['0 client s = sockit()', /unknown call/],
  ['1..5 client s = socket()', /bad time|time/],
  ['0 client send(s, "hi)', /unterminated string/],
  ['0 client s = socket()\n0 client recv(s, 1, 2, 3)', /:2:/],
  ['0 link drop next middle S', /direction/],
  ['profile bsd', /profile/],
  ['set tcp_syn_retrys 2', /tcp_syn_retries|unknown/],
  ['link client loss 1.5', /loss|probab/],
  ['link client delay -5ms', /delay|negative|duration/],
  ['0 client close(nosuch)', /nosuch|undefined|unknown/],
  ['seed 1\nseed 2', /:2:/],
  ['address client 300.1.1.1', /address|IPv4/],
  ['0 server s = socket()\n0 server bind(s, 70000)', /port|65535/],
  ['0 client s = socket() extra', /extra|unexpected|after/],
  ['0 client s = socket(', /\)|parenthes/],
  ['0 client s = socket()\n0 client send(s, "\\q")', /escape/],
  ['0 client s = socket()\n0 client connect(s, server) =>', /=>|expect/],
  ['0 client s = socket()\n0 client connect(s, server) => -1 ENOPE', /ENOPE|errno/],
  ['+0.5 seed 3', /seed|header|time/],
  ['0 client s = socket()\n0 client shutdown(s, SHUT_UP)', /SHUT_UP|SHUT_/],
  ['0 client s = socket()\n0 client setsockopt(s, SO_NOPE, 1)', /SO_NOPE|option/],
  ['run forever', /run/],
  ['0 link drop nth client 0', /at least 1|segment number/],
  ['0 link drop next client SX', /flags/],
  ['0 client s = socket()\n0 client listen(s, -1)', /listen|backlog|number/],
  ['link sideways delay 5ms', /direction|client, server or both/],
  ['0 server x = accept()', /accept|argument/],
  ['0 client = socket()', /name|variable|expected/],
  ['profile', /profile/],
];

test('thirty broken scenario files: each named, none changes the screen', async ({ app }) => {
  test.setTimeout(90_000);
  await app.open();
  await app.press('server', 'listen()');
  await app.press('client', 'connect()');
  await app.seek(1000);
  const before = await app.page.evaluate(() =>
    window.tcpPlayground!.session.world.trace.toJsonLines(),
  );
  expect(BROKEN_FILES.length).toBeGreaterThanOrEqual(30);
  for (const [i, [text, message]] of BROKEN_FILES.entries()) {
    const name = `broken-${i}.scenario`;
    await app.page
      .locator('input[type=file]')
      .setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(`${text}\n`) });
    const notice = app.page.locator('.ls-notice');
    await expect(notice, text).toContainText(`Could not open ${name}: ${name}:`);
    await expect(notice, text).toContainText(message);
    const after = await app.page.evaluate(() =>
      window.tcpPlayground!.session.world.trace.toJsonLines(),
    );
    expect(after, text).toBe(before);
  }
  await expect.poll(() => app.state('client')).toBe('ESTABLISHED');
});

test('thirty broken share links: each named, none replaces the app', async ({ app }) => {
  test.setTimeout(90_000);
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const valid = {
    v: 1,
    options: { seed: 1 },
    inputs: [] as unknown[],
    cursor: 0,
  };
  const json = (o: unknown) => b64(JSON.stringify(o));
  const links: string[] = [
    '',
    '%%%',
    'abc$def',
    b64('not json'),
    b64('{"v":1'),
    json({ ...valid, v: 2 }),
    json({ ...valid, v: '1' }),
    json({ ...valid, options: { seed: -1 } }),
    json({ ...valid, options: { seed: 1.5 } }),
    json({ ...valid, options: { seed: 1, profile: 'bsd' } }),
    json({ ...valid, options: { seed: 1, overrides: { nope: 1 } } }),
    json({ ...valid, options: { seed: 1, link: { middle: {} } } }),
    json({ ...valid, options: { seed: 1, link: { client: { loss: 2 } } } }),
    json({ ...valid, options: { seed: 1, link: { client: { delay: -1 } } } }),
    json({ ...valid, options: { seed: 1, clientIp: '1.2.3' } }),
    json({ ...valid, cursor: -5 }),
    json({ ...valid, cursor: 'now' }),
    json({ ...valid, inputs: {} }),
    json({ ...valid, inputs: [{ t: 0, steps: 0 }] }),
    json({ ...valid, inputs: [{ t: -1, steps: 0, action: { kind: 'drop', id: 0 } }] }),
    json({ ...valid, inputs: [{ t: 0, steps: 0, action: { kind: 'jump' } }] }),
    json({
      ...valid,
      inputs: [
        { t: 0, steps: 0, action: { kind: 'call', side: 'middle', call: { name: 'socket' } } },
      ],
    }),
    json({
      ...valid,
      inputs: [
        { t: 0, steps: 0, action: { kind: 'call', side: 'client', call: { name: 'fork' } } },
      ],
    }),
    json({
      ...valid,
      inputs: [
        {
          t: 0,
          steps: 0,
          action: { kind: 'call', side: 'client', call: { name: 'bind', fd: 3, port: 70000 } },
        },
      ],
    }),
    json({
      ...valid,
      inputs: [
        {
          t: 0,
          steps: 0,
          action: {
            kind: 'call',
            side: 'client',
            call: { name: 'shutdown', fd: 3, how: 'SHUT_UP' },
          },
        },
      ],
    }),
    json({
      ...valid,
      inputs: [
        {
          t: 0,
          steps: 0,
          action: { kind: 'rule', rule: { kind: 'dropNth', from: 'client', n: 0 } },
        },
      ],
    }),
    json({
      ...valid,
      inputs: [{ t: 0, steps: 0, action: { kind: 'link', from: 'client', change: { loss: 7 } } }],
    }),
    json({
      ...valid,
      inputs: [
        { t: 5, steps: 0, action: { kind: 'drop', id: 0 } },
        { t: 1, steps: 0, action: { kind: 'drop', id: 0 } },
      ],
    }),
    json({ ...valid, extra: true }),
    json({ ...valid, scenario: '' }),
  ];
  expect(links.length).toBeGreaterThanOrEqual(30);
  for (const l of links) {
    await app.page.goto(`/?x=${Math.random()}#run=${l}`);
    const notice = app.page.locator('.ls-notice');
    await expect(notice, l).toContainText('This link could not be opened');
    // The error names a place or a reason, not just "invalid".
    const text = (await notice.textContent()) ?? '';
    expect(text.length, l).toBeGreaterThan(50);
    await expect(
      app.region('server').getByRole('button', { name: 'listen()', exact: true }),
    ).toBeEnabled();
    await expect.poll(() => app.state('client')).toBe('CLOSED');
  }
});
