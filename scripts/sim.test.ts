import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { USAGE, main, parseArgs, type Io } from './sim';
import { SERIES_COLUMNS } from '../src/core/wire';

const ROOT = join(import.meta.dirname, '..');
const EXAMPLES = join(ROOT, 'public/scenarios');

/** An Io over an in-memory file table that collects what the CLI writes. */
function fakeIo(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, Uint8Array>();
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: (p) => {
      const f = files[p];
      if (f !== undefined) return f;
      try {
        return readFileSync(p, 'utf8');
      } catch (e) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), {
          code: (e as { code?: string }).code,
        });
      }
    },
    writeFile: (p, d) => written.set(p, d),
  };
  return {
    io,
    written,
    get stdout() {
      return out.join('');
    },
    get stderr() {
      return err.join('');
    },
  };
}

/** A zero window probed every millisecond: it never goes idle, and once ran the CLI out of memory. */
const PROBE_STORM = `set rtoMin 1ms
set rtoInitial 1ms
set rtoMax 1ms
set rcvBuf 256
link both delay 0.1ms
0 server l = socket()
0 server bind(l, 9821)
0 server listen(l)
0 server c = accept(l)
0 client s = socket()
+0 client connect(s, server)
+0 client send(s, 100000)
`;

const SERVER = `link both delay 50ms
0 server l = socket()
0 server bind(l, 9821)
0 server listen(l)
0 server c = accept(l)
`;

describe('sim CLI (in process)', () => {
  it('runs a good file: trace, expectation results, exit 0', async () => {
    const f = fakeIo();
    const code = await main([join(EXAMPLES, 'lost-syn.scenario')], f.io);
    expect(code).toBe(0);
    const lines = f.stdout.split('\n');
    expect(lines).toContain(
      '0.050000 client > server: Flags [S], seq 0, win 64240, options [mss 1460,sackOK,TS val 2967886072 ecr 0,wscale 7], length 0  [DROPPED (rule)]  #0',
    );
    expect(f.stdout).toMatch(/^1\.150000 client connect\(3, 192\.0\.2\.1:9821\) = 0$/m);
    expect(f.stdout).toMatch(/^line \d+: connect returned 0 as expected$/m);
    expect(f.stdout).toContain('run ended at 3.000000 (run 3s)');
    expect(f.stdout.trimEnd().split('\n').at(-1)).toBe('1 expectation held');
    expect(f.stderr).toBe('');
  });

  it('exits 1 when an expectation fails, naming the line, the call and both values', async () => {
    const f = fakeIo({
      'echo.scenario': `${SERVER}+0 server recv(c, 1024) => "OK!!!"
0.05 client s = socket()
+0 client connect(s, server) => 0
+0 client send(s, "OK!!")
`,
    });
    expect(await main(['echo.scenario'], f.io)).toBe(1);
    expect(f.stdout).toContain('line 6: recv expected "OK!!!", got "OK!!"\n');
    expect(f.stdout).toContain('line 8: connect returned 0 as expected\n');
    expect(f.stdout).toContain('FAILED: 1 of 2 expectations did not hold\n');
  });

  it('reports each wait: when it ended, or that it never did', async () => {
    const f = fakeIo({
      'wait.scenario': `${SERVER}+0 server wait client connect(s)
+0 server wait client close(s)
+0 server close(c) => 0
0.05 client s = socket()
+0 client connect(s, server) => 0
+0 client recv(s)
+0 client close(s)
`,
    });
    // The client's recv() blocks for good (the server never sends), so it never closes.
    expect(await main(['wait.scenario'], f.io)).toBe(1);
    expect(f.stdout).toContain('line 6: wait for client connect(s) ended at 0.2 s\n');
    expect(f.stdout).toContain('line 7: wait for client close(s) never ended (still waiting)\n');
    expect(f.stdout).toContain('line 8: close expected 0, got (not reached)\n');
    expect(f.stdout).toContain('FAILED: 2 of 4 expectations did not hold\n');
  });

  it('says when the safety cap stopped the run', async () => {
    const f = fakeIo({ 'idle.scenario': `${SERVER}run until idle\n` });
    expect(await main(['idle.scenario'], f.io)).toBe(0);
    expect(f.stdout).toContain('run ended at 0.000000 (idle: nothing left to happen)');
    expect(f.stdout).toContain('no expectations');
  });

  it('exits 2 on a bad file with FILE:LINE:COL: message and the line, no stack trace', async () => {
    const f = fakeIo({
      'bad.scenario': '# a comment\n0 server l = socket()\n0 server l = conect(l)\n',
    });
    expect(await main(['bad.scenario'], f.io)).toBe(2);
    expect(f.stderr).toBe(
      [
        "bad.scenario:3:14: unknown call 'conect' (did you mean connect?)",
        '    0 server l = conect(l)',
        '                 ^',
        '',
      ].join('\n'),
    );
    expect(f.stdout).toBe('');
  });

  it('keeps stderr small for a megabyte-long bad word: the word is cut, the line windowed', async () => {
    const word = 'x'.repeat(1 << 20);
    const f = fakeIo({ 'huge.scenario': `seed 1\n0 ${word} s = socket()\n` });
    expect(await main(['huge.scenario'], f.io)).toBe(2);
    expect(f.stderr.length).toBeLessThan(600);
    const [first, src, caret] = f.stderr.split('\n');
    expect(first).toBe(
      `huge.scenario:2:3: expected a side (client or server), got '${'x'.repeat(40)}…(1,048,576 characters)'`,
    );
    // The caret still points at the column: the window starts there.
    expect(src).toBe(`    0 ${'x'.repeat(98)}…`);
    expect(caret).toBe(`      ^`);
    // A column far into the line: the window is centred on it, with a leading ellipsis.
    const g = fakeIo({ 'far.scenario': `0 server l = socket()${' '.repeat(5000)}x\n` });
    expect(await main(['far.scenario'], g.io)).toBe(2);
    const [, gsrc, gcaret] = g.stderr.split('\n');
    expect(gsrc!.length).toBeLessThan(110);
    expect(gsrc![gcaret!.length - 1]).toBe('x');
  });

  it('exits 4 when the run needs more work than its budget, saying which and how to raise it', async () => {
    const f = fakeIo({ 'storm.scenario': PROBE_STORM });
    expect(await main(['storm.scenario', '--max-events', '2000'], f.io)).toBe(4);
    expect(f.stdout).toBe('');
    expect(f.stderr).toMatch(
      /^sim: storm\.scenario: the run was stopped at \d+\.\d{6} s: it needs more than 2000 scheduler events, the work budget of a run\.\nStop it sooner \(run DURATION\), or raise the budget with --max-events N\.\n$/,
    );
    const g = fakeIo({ 'storm.scenario': PROBE_STORM });
    expect(await main(['storm.scenario', '--max-segments=100'], g.io)).toBe(4);
    expect(g.stderr).toContain('more than 100 segments');
    expect(g.stderr).toContain('--max-segments N');
    // A drop rule that searches every byte the client sends, and never finds it.
    const search = fakeIo({
      'search.scenario': `${SERVER}0 link drop next client containing "#"
0.05 client s = socket()
+0 client connect(s, server)
+0 client send(s, 100000)
`,
    });
    expect(await main(['search.scenario', '--max-scan-bytes=50000'], search.io)).toBe(4);
    expect(search.stderr).toContain(
      'more than 50000 bytes of payload searched by drop rules, the work budget of a run',
    );
    expect(search.stderr).toContain('--max-scan-bytes N');
    // Raised far enough, a bounded part of the same storm runs to its end.
    const h = fakeIo({ 'storm.scenario': `${PROBE_STORM}run 50ms\n` });
    expect(await main(['storm.scenario', '--max-events', '2000'], h.io)).toBe(0);
  });

  it('reads the budget flags', () => {
    expect(parseArgs(['f', '--max-events', '10', '--max-segments=5'])).toEqual({
      file: 'f',
      pcap: null,
      series: null,
      json: false,
      maxEvents: 10,
      maxSegments: 5,
    });
    expect(parseArgs(['f', '--max-scan-bytes', '4096'])).toEqual({
      file: 'f',
      pcap: null,
      series: null,
      json: false,
      maxScanBytes: 4096,
    });
    for (const bad of [
      ['f', '--max-events'],
      ['f', '--max-events', '0'],
      ['f', '--max-segments=x'],
      ['f', '--max-scan-bytes=-1'],
    ])
      expect(parseArgs(bad)).toHaveProperty('error');
  });

  it('exits 2 with a usage line for a missing file', async () => {
    const f = fakeIo();
    expect(await main(['/nonexistent/nope.scenario'], f.io)).toBe(2);
    expect(f.stderr).toBe(
      `sim: cannot read '/nonexistent/nope.scenario': no such file\n${USAGE}\n`,
    );
  });

  it('exits 2 with a usage line for bad arguments', async () => {
    for (const argv of [[], ['--bogus', 'x'], ['a', 'b'], ['a', '--pcap']]) {
      const f = fakeIo();
      expect(await main(argv, f.io), argv.join(' ')).toBe(2);
      expect(f.stderr.trimEnd().split('\n').at(-1)).toBe(USAGE);
    }
    const h = fakeIo();
    expect(await main(['--help'], h.io)).toBe(0);
    expect(h.stdout).toBe(`${USAGE}\n`);
  });

  it('parses its arguments', () => {
    expect(parseArgs(['f', '--json', '--pcap', 'o.pcap'])).toEqual({
      file: 'f',
      pcap: 'o.pcap',
      series: null,
      json: true,
    });
    expect(parseArgs(['--pcap=o.pcap', 'f', '--series', 's.csv'])).toEqual({
      file: 'f',
      pcap: 'o.pcap',
      series: 's.csv',
      json: false,
    });
    expect(parseArgs(['f', '--series'])).toEqual({ error: '--series needs a file name' });
    expect(parseArgs(['--nope'])).toEqual({ error: "unknown option '--nope'" });
  });

  it('--series writes the congestion and queue samples as CSV, in time order', async () => {
    const f = fakeIo();
    const file = join(EXAMPLES, 'lost-data.scenario');
    expect(await main([file, '--series', 'out.csv'], f.io)).toBe(0);
    const text = new TextDecoder().decode(f.written.get('out.csv'));
    const [header, ...rows] = text.trimEnd().split('\n');
    expect(header!.split(',')).toEqual([...SERIES_COLUMNS]);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const times = rows.map((r) => Number(r.split(',')[0]));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
    // The client's timeout shows: cwnd falls to one segment in the recovery after it.
    const rto = rows
      .map((r) => r.split(','))
      .find((c) => c[3] === 'client' && c[9] === 'rto-recovery');
    expect(rto).toBeDefined();
    expect(Number(rto![4])).toBe(1448);
  });

  it('--json prints the trace records as JSON lines, results on stderr', async () => {
    const f = fakeIo();
    expect(await main([join(EXAMPLES, 'handshake.scenario'), '--json'], f.io)).toBe(0);
    const lines = f.stdout.trimEnd().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { kind: string });
    expect(records[0]).toMatchObject({ kind: 'call', call: 'socket', side: 'server' });
    expect(records.some((r) => r.kind === 'segment')).toBe(true);
    expect(f.stderr).toContain('all 2 expectations held');
  });

  it('--pcap writes the capture', async () => {
    const f = fakeIo();
    expect(await main([join(EXAMPLES, 'handshake.scenario'), '--pcap', 'out.pcap'], f.io)).toBe(0);
    const pcap = f.written.get('out.pcap')!;
    expect(pcap).toBeInstanceOf(Uint8Array);
    const magic = new DataView(pcap.buffer, pcap.byteOffset).getUint32(0, true);
    expect([0xa1b2c3d4, 0xd4c3b2a1]).toContain(magic);
    expect(f.stderr).toMatch(/^wrote \d+ bytes to out\.pcap\n$/);
  });
});

describe('sim CLI (as a process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const sim = (...args: string[]) =>
    spawnSync(tsx, [join(ROOT, 'scripts/sim.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('exits 0 on a good file and prints the trace', () => {
    const r = sim(join(EXAMPLES, 'teardown-client.scenario'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/client FIN_WAIT_2 -> TIME_WAIT {2}\(rcv \[F\.\]\)/);
    expect(r.stdout).toContain('all 6 expectations held');
  }, 60_000);

  it('exits 2 on a bad file with FILE:LINE:COL: message and no stack trace', () => {
    const bad = join(dir, 'bad.scenario');
    writeFileSync(bad, 'seed 1\nlink middle delay 10ms\n');
    const r = sim(bad);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(
      `${bad}:2:6: unknown link direction 'middle' (expected client, server or both)`,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain('Error');
  }, 60_000);

  it('stops the zero-window probe storm at the default budget with exit 4, not out of memory', () => {
    const file = join(dir, 'storm.scenario');
    writeFileSync(file, `${PROBE_STORM}run until idle\n`);
    const r = sim(file);
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('it needs more than 25000 segments, the work budget of a run');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('exits 1 when an expectation fails, and writes a pcap', () => {
    const file = join(dir, 'fail.scenario');
    const pcap = join(dir, 'out.pcap');
    writeFileSync(file, `${SERVER}+0 server accept(l) => 9\n`);
    const r = sim(file, '--pcap', pcap);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAILED: 1 of 1 expectation did not hold');
    expect(readFileSync(pcap).length).toBeGreaterThanOrEqual(24);
  }, 60_000);
});
