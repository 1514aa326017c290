import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRun, parseScenario, runScenario } from '../../core';
import { OPEN_BUDGET, type OpenProgress, type PlainRun } from './open-protocol';
import { MAX_SCENARIO_CHARS, openWork } from './open-work';
import { rebuild } from './opener';

const handshake = readFileSync(
  join(import.meta.dirname, '..', '..', '..', 'public', 'scenarios', 'handshake.scenario'),
  'utf8',
);

/** A zero window probed every millisecond: runs as long as it is allowed to. */
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

const small = { events: 2_000, segments: 1_000 };

function opened(r: ReturnType<typeof openWork.scenario>): PlainRun {
  if (!r.ok) throw new Error(`refused: ${r.error}`);
  return r.run;
}

describe('the opening worker', () => {
  it('runs a scenario to plain inputs the page rebuilds into the same run, with the same work', () => {
    const seen: OpenProgress[] = [];
    const run = opened(
      openWork.scenario(handshake, 'handshake.scenario', OPEN_BUDGET, (p) => seen.push(p)),
    );
    expect(seen[0]?.phase).toBe('reading');
    // Plain data: it survives structured cloning (what postMessage does).
    const cloned = structuredClone(run);
    const built = rebuild(cloned, OPEN_BUDGET);
    if (!built.ok) throw new Error(built.error);
    const direct = runScenario(parseScenario(handshake, 'handshake.scenario')).world;
    expect(built.world.trace.toJsonLines()).toBe(direct.trace.toJsonLines());
    expect(built.world.now).toBe(direct.now);
    expect(built.world.stepsRun).toBe(run.work.events);
    expect(built.world.trace.segments.length).toBe(run.work.segments);
  });

  it('opens a file with waits and pattern drop rules; the page rebuilds the same run', () => {
    const text = [
      'link both delay 50ms',
      '0 link drop next client . empty after server +F',
      '0 link drop next client containing "hi"',
      '0 server l = socket()',
      '0 server bind(l, 9821)',
      '0 server listen(l, 64)',
      '0 server c = accept(l)',
      '+0 server recv(c) => "hi"',
      '+0 server wait client close(s)',
      '+0 server close(c)',
      '0.05 client s = socket()',
      '+0 client connect(s, server)',
      '+0 client send(s, "hi")',
      '+0.5 client close(s)',
    ].join('\n');
    const run = opened(openWork.scenario(text, 'events.scenario', OPEN_BUDGET, () => {}));
    // The rule's bytes cross postMessage as a typed array.
    const built = rebuild(structuredClone(run), OPEN_BUDGET);
    if (!built.ok) throw new Error(built.error);
    const direct = runScenario(parseScenario(text, 'events.scenario')).world;
    expect(built.world.trace.toJsonLines()).toBe(direct.trace.toJsonLines());
    expect(direct.trace.segments.filter((s) => s.dropped === 'rule')).toHaveLength(2);
  });

  it('stops a file whose drop rules would search too much payload', () => {
    const r = openWork.scenario(
      `${ZERO_WINDOW.replace('set rcvBuf 1000', 'set rcvBuf 100000')}0 link drop next client containing "#"\n`,
      'search.scenario',
      { ...small, scanBytes: 50_000 },
      () => {},
    );
    expect(r).toEqual({
      ok: false,
      kind: 'budget',
      error: 'the run needs more than 50,000 bytes of payload searched by drop rules',
    });
  });

  it('refuses a bad file with its line and column', () => {
    const r = openWork.scenario(
      'seed 1\n0 clint s = socket()\n',
      'bad.scenario',
      OPEN_BUDGET,
      () => {},
    );
    expect(r).toMatchObject({ ok: false, kind: 'invalid' });
    expect(!r.ok && r.error).toMatch(/^bad\.scenario:2:3: /);
  });

  it('refuses a file too long to parse promptly, before parsing it', () => {
    const text = `# ${'x'.repeat(MAX_SCENARIO_CHARS)}\n`;
    const r = openWork.scenario(text, 'huge.scenario', OPEN_BUDGET, () => {});
    expect(r).toMatchObject({ ok: false, kind: 'invalid' });
    expect(!r.ok && r.error).toBe(
      `huge.scenario has 1,048,579 characters; scenario files of up to 1,048,576 are opened`,
    );
  });

  it('stops a scenario that would run for an hour at the budget, and says which limit', () => {
    const r = openWork.scenario(`${ZERO_WINDOW}run 3600s\n`, 'z.scenario', small, () => {});
    expect(r).toMatchObject({ ok: false, kind: 'budget' });
    expect(!r.ok && r.error).toMatch(/^the run needs more than [\d,]+ (events|segments)$/);
  });

  it('stops a share link whose cursor is an hour away at the budget', () => {
    const { world } = runScenario(parseScenario(`${ZERO_WINDOW}run 10ms\n`, 'z'));
    const text = encodeRun({
      v: 1,
      options: world.options,
      inputs: world.inputs,
      cursor: 3_600_000,
    });
    const r = openWork.link(`http://localhost/#run=${text}`, small, () => {});
    expect(r).toMatchObject({ ok: false, kind: 'budget' });
    // The same link within reach of its cursor opens.
    const near = encodeRun({ v: 1, options: world.options, inputs: world.inputs, cursor: 20 });
    const ok = opened(openWork.link(`http://localhost/#run=${near}`, small, () => {}));
    expect(ok.cursor).toBe(20);
    expect(ok.work.events).toBeLessThanOrEqual(small.events);
  });

  it('refuses a broken link, naming the problem', () => {
    const r = openWork.link('http://localhost/#run=%%%', OPEN_BUDGET, () => {});
    expect(r).toMatchObject({ ok: false, kind: 'invalid' });
    expect(!r.ok && r.error).toMatch(/base64url/);
  });

  it('replays a stored run; the page rebuilds it exactly, history on', () => {
    const { world } = runScenario(parseScenario(handshake, 'h'));
    const run = opened(
      openWork.inputs(
        { options: world.options, inputs: world.inputs, cursor: 400 },
        OPEN_BUDGET,
        () => {},
      ),
    );
    const built = rebuild(run, OPEN_BUDGET);
    if (!built.ok) throw new Error(built.error);
    expect(built.world.options.keepHistory).toBeUndefined();
    expect(built.world.now).toBe(400);
    expect(built.world.at(400).conns.length).toBeGreaterThan(0);
  });

  it('the page-side rebuild is bounded too: past its budget it refuses instead of running on', () => {
    const run = opened(openWork.scenario(handshake, 'h.scenario', OPEN_BUDGET, () => {}));
    const r = rebuild(run, { events: run.work.events - 1, segments: OPEN_BUDGET.segments });
    expect(r).toEqual({
      ok: false,
      error: `the run needs more than ${(run.work.events - 1).toLocaleString('en-US')} events`,
    });
  });
});
