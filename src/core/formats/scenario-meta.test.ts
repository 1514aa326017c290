/**
 * Metadata in scenario files: reading `# @title`, `# @summary`, `# @final`
 * lines, the errors for malformed ones, and the final states of a run.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from './scenario';
import { finalStates, readMeta, ScenarioMetaError } from './scenario-meta';
import { runScenario } from './scenario-runner';
import { World } from '../sim/world';

const FULL = [
  '# @title The three-way handshake',
  '# @title.zh 三次握手',
  '# @summary The server listens;',
  '#   @summary   the client connects.  ',
  '# An ordinary comment in between is ignored.',
  '# @summary.zh 服务器监听，客户端连接。',
  '# @final client=ESTABLISHED server=ESTABLISHED',
  '',
  'seed 1',
  '0 server l = socket()  # @title in a trailing comment is not metadata',
  'run 1s',
].join('\n');

/** The error readMeta throws for `text`. */
function metaError(text: string, file?: string): ScenarioMetaError {
  try {
    readMeta(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioMetaError);
    return e as ScenarioMetaError;
  }
  throw new Error('readMeta did not throw');
}

describe('readMeta', () => {
  it('reads the title, the summary (lines joined with spaces) and the final states', () => {
    expect(readMeta(FULL)).toEqual({
      title: { en: 'The three-way handshake', zh: '三次握手' },
      summary: { en: 'The server listens; the client connects.', zh: '服务器监听，客户端连接。' },
      final: { client: 'ESTABLISHED', server: 'ESTABLISHED' },
    });
  });

  it('leaves metadata to comment lines: the scenario parser still reads the file', () => {
    expect(() => parseScenario(FULL)).not.toThrow();
  });

  it('gives empty strings and no final states for a file without metadata', () => {
    expect(readMeta('# Just a comment\nseed 1\n')).toEqual({
      title: { en: '', zh: '' },
      summary: { en: '', zh: '' },
      final: {},
    });
    expect(readMeta('')).toEqual(readMeta('seed 1'));
  });

  it('accepts #@key without a space, CRLF line ends, and @final over several lines', () => {
    const m = readMeta('#@title T\r\n# @final client=TIME_WAIT\r\n# @final server=CLOSED\r\n');
    expect(m.title.en).toBe('T');
    expect(m.final).toEqual({ client: 'TIME_WAIT', server: 'CLOSED' });
  });

  it('allows one side only in @final', () => {
    expect(readMeta('# @final client=CLOSED').final).toEqual({ client: 'CLOSED' });
  });

  it('rejects an unknown @key, naming the line and suggesting the right one', () => {
    const e = metaError('# ok\n\n# @titel Oops\n');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^line 3: unknown metadata key '@titel' \(did you mean @title\?\)/);
    expect(e.message).toContain('@title, @title.zh, @summary, @summary.zh or @final');
    expect(metaError('# @summary.fr Bonjour').message).toMatch(
      /unknown metadata key '@summary.fr'/,
    );
    expect(metaError('# @ note').message).toMatch(/unknown metadata key '@'/);
  });

  it('names the file too when given one', () => {
    const e = metaError('seed 1\n# @final client=CLOSD\n', 'x.scenario');
    expect(e.file).toBe('x.scenario');
    expect(e.message).toMatch(/^x\.scenario:2: malformed @final 'client=CLOSD'/);
  });

  it.each([
    ['client', /expected SIDE=STATE/],
    ['client=', /expected SIDE=STATE/],
    ['=CLOSED', /expected SIDE=STATE/],
    ['clinet=CLOSED', /unknown side 'clinet' \(did you mean client\?\)/],
    ['both=CLOSED', /unknown side 'both'; expected client or server/],
    ['client=TIMEWAIT', /unknown state 'TIMEWAIT' \(did you mean TIME_WAIT\?\)/],
    ['client=closed', /unknown state 'closed' \(did you mean CLOSED\?\)/],
    ['server=DONE', /unknown state 'DONE'; expected one of CLOSED, LISTEN, .*, TIME_WAIT/],
    ['client=CLOSED client=TIME_WAIT', /@final gives client twice \(first on line 4\)/],
  ])('rejects a malformed @final: %s', (value, message) => {
    const e = metaError(`seed 1\n\n\n# @final ${value}\n`);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^line 4: /);
    expect(e.message).toMatch(message);
  });

  it('rejects a side given twice over two @final lines', () => {
    const e = metaError('# @final client=CLOSED\n# @final server=CLOSED client=LISTEN\n');
    expect(e.message).toBe('line 2: @final gives client twice (first on line 1)');
  });

  it('rejects an empty value and a title given twice', () => {
    expect(metaError('# @final').message).toBe('line 1: @final needs a value');
    expect(metaError('# @summary.zh   ').message).toBe('line 1: @summary.zh needs a value');
    expect(metaError('# @title A\n# @title B').message).toBe(
      'line 2: @title given twice (first on line 1)',
    );
    expect(readMeta('# @title A\n# @title.zh 甲').title).toEqual({ en: 'A', zh: '甲' });
  });
});

describe('finalStates', () => {
  const run = (text: string) => runScenario(parseScenario(text)).world;
  const SERVER = [
    'link both delay 50ms',
    '0 server l = socket()',
    '0 server bind(l, 9821)',
    '0 server listen(l, 64)',
    '0 server c = accept(l)',
  ];

  it('is null for a side that never had a connection', () => {
    expect(finalStates(new World({ seed: 1 }))).toEqual({ client: null, server: null });
    const refused = run('0 client s = socket()\n+0 client connect(s, server)\n');
    expect(finalStates(refused)).toEqual({ client: 'CLOSED', server: null });
  });

  it("is the state of each side's newest machine: a listener's own, until a SYN starts a connection", () => {
    expect(finalStates(run([...SERVER, 'run 1s'].join('\n')))).toEqual({
      client: null,
      server: 'LISTEN',
    });
    const w = run(
      [...SERVER, '0.05 client s = socket()', '+0 client connect(s, server)', 'run 1s'].join('\n'),
    );
    expect(finalStates(w)).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
    // The listener is older than the connection it accepted.
    expect(w.server.conns.map((c) => c.id)).toEqual(['server:1', 'server:2']);
  });

  it('sees the state at the end of the run, TIME_WAIT included', () => {
    const lines = [
      ...SERVER,
      '+0 server recv(c) => 0',
      '+0 server close(c)',
      '0.05 client s = socket()',
      '+0 client connect(s, server)',
      '+0.1 client close(s)',
    ];
    expect(finalStates(run([...lines, 'run 5s'].join('\n')))).toEqual({
      client: 'TIME_WAIT',
      server: 'CLOSED',
    });
    expect(finalStates(run([...lines, 'run until idle'].join('\n')))).toEqual({
      client: 'CLOSED',
      server: 'CLOSED',
    });
  });
});

describe('readMeta: byte order mark', () => {
  it('reads a first-line @title after a leading BOM', () => {
    expect(readMeta('\ufeff# @title Hello\n').title.en).toBe('Hello');
  });
});
