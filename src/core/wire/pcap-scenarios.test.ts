/**
 * Every scenario the app and the runner ship writes a pcap that tshark reads
 * without a warning, with good checksums, and with the segments the simulator
 * itself recorded (flags, raw seq and ack, length).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from './pcap';
import { parseScenario } from '../formats/scenario';
import { runScenario } from '../formats/scenario-runner';
import type { SegmentRecord } from '../sim/trace';

const hasTshark = spawnSync('tshark', ['--version']).status === 0;
const root = join(__dirname, '..', '..', '..');
// The gallery's scenarios and the kernel references beside their captures.
const files = [join('public', 'scenarios'), join('conformance', 'linux')].flatMap((d) =>
  readdirSync(join(root, d))
    .filter((f) => f.endsWith('.scenario'))
    .sort()
    .map((f) => join(d, f)),
);
const tmp = mkdtempSync(join(tmpdir(), 'tcp-playground-'));

describe.each(files)('%s as pcap', (file) => {
  it.skipIf(!hasTshark)('is read by tshark as the simulator recorded it', () => {
    const run = runScenario(parseScenario(readFileSync(join(root, file), 'utf8'), file));
    const segs = run.world.trace.records.filter((r): r is SegmentRecord => r.kind === 'segment');
    const out = join(tmp, `${file.replace(/[\\/]/g, '-')}.pcap`);
    writeFileSync(out, writePcap(run.world.trace.records));
    const r = spawnSync(
      'tshark',
      [
        '-r',
        out,
        '-o',
        'tcp.check_checksum:TRUE',
        '-o',
        'ip.check_checksum:TRUE',
        '-T',
        'fields',
        '-e',
        'tcp.flags',
        '-e',
        'tcp.seq_raw',
        '-e',
        'tcp.ack_raw',
        '-e',
        'tcp.len',
        '-e',
        'tcp.checksum.status',
        '-e',
        'ip.checksum.status',
      ],
      { encoding: 'utf8' },
    );
    const stderr = r.stderr
      .split('\n')
      .filter((l) => l.trim() && !/^Running as user "root"/.test(l));
    expect(stderr).toEqual([]);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.length).toBe(segs.length);
    rows.forEach((row, i) => {
      const s = segs[i]!.seg;
      expect(row, `segment ${i}`).toEqual([
        `0x${s.flags.toString(16).padStart(4, '0')}`,
        String(s.seq),
        String(s.ack),
        String(s.payload.length),
        '1',
        '1',
      ]);
    });
  });
});

it('has tshark available (CI installs it)', () => {
  expect(hasTshark || !process.env.CI).toBe(true);
});
