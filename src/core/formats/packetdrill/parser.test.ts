/**
 * The packetdrill parser: each construct the FreeBSD suite uses, the errors
 * (with file, line and column), bounded work on hostile input, and every
 * script of the suite in conformance/freebsd/.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePacketdrill } from './parser';
import { MAX_SCRIPT_CHARS } from './lexer';
import { PktSyntaxError, type PktEvent, type PktPacket, type PktSyscall } from './ast';

const one = (line: string): PktEvent => {
  const s = parsePacketdrill(line);
  expect(s.events).toHaveLength(1);
  return s.events[0]!;
};
const packet = (line: string) => one(line) as PktPacket;
const call = (line: string) => one(line) as PktSyscall;

function errorOf(src: string): PktSyntaxError {
  try {
    parsePacketdrill(src, 'x.pkt');
  } catch (e) {
    if (e instanceof PktSyntaxError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('header options', () => {
  it('reads --name=value and --name before the first event', () => {
    const s = parsePacketdrill(
      '--ip_version=ipv4\n--tolerance_usecs=75000\n--verbose\n0 close(3) = 0',
    );
    expect(s.options).toEqual([
      { name: 'ip_version', value: 'ipv4', line: 1 },
      { name: 'tolerance_usecs', value: '75000', line: 2 },
      { name: 'verbose', value: null, line: 3 },
    ]);
  });
  it('refuses one after an event', () => {
    expect(errorOf('0 close(3) = 0\n--mtu=1500').message).toBe(
      'x.pkt:2:1: header option --mtu=1500 after the first event',
    );
  });
});

describe('timing', () => {
  it('absolute, relative, windows, blocking calls and any time', () => {
    expect(one('0.100 close(3) = 0').time).toEqual({
      any: false,
      start: { relative: false, usecs: 100_000 },
      range: null,
      until: null,
    });
    expect(one('+.1 close(3) = 0').time.start).toEqual({ relative: true, usecs: 100_000 });
    expect(one('+0.1~+0.3 > S 0:0(0)').time.range).toEqual({ relative: true, usecs: 300_000 });
    const blocking = one('1.00...6.00 connect(3, ..., ...) = -1 ETIMEDOUT (Operation timed out)');
    expect(blocking.time.start.usecs).toBe(1_000_000);
    expect(blocking.time.until).toEqual({ relative: false, usecs: 6_000_000 });
    expect(one('* > R 0:0(0)').time.any).toBe(true);
  });
  it('refuses a time later than a day and a missing event', () => {
    expect(errorOf('100000 close(3) = 0').message).toMatch(/^x\.pkt:1:1: time 100000 is later/);
    expect(errorOf('+0.1').message).toBe('x.pkt:1:5: expected an event after the time');
  });
});

describe('segments', () => {
  it('inbound with flags, seq:end(len), ack, win and options in order', () => {
    const p = packet(
      '+0.00 < S. 0:0(0) ack 1 win 32767 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 6,eol>',
    );
    expect(p).toMatchObject({
      direction: 'inbound',
      flags: 'S.',
      seq: 0,
      end: 0,
      len: 0,
      ack: 1,
      win: 32767,
      tos: null,
    });
    expect(p.options).toEqual([
      { kind: 'mss', value: 1460 },
      { kind: 'sackOK' },
      { kind: 'TS', val: 100, ecr: 0 },
      { kind: 'nop' },
      { kind: 'wscale', value: 6 },
      { kind: 'eol' },
    ]);
  });
  it('outbound with <...>, no options, SACK blocks, a bare ACK, any seq and an IP marking', () => {
    expect(packet('+0 > S. 0:0(0) ack 1 <...>').options).toBe('any');
    expect(packet('+0 >  . 1:1(0) ack 2 win 65535').options).toBeNull();
    expect(packet('+0 > . 1:1(0) ack 5 <nop,nop,sack 9:13 17:21>').options).toEqual([
      { kind: 'nop' },
      { kind: 'nop' },
      {
        kind: 'sack',
        blocks: [
          [9, 13],
          [17, 21],
        ],
      },
    ]);
    expect(packet('+0 > S. ...(0) ack 65537 win 65535')).toMatchObject({
      seq: null,
      end: null,
      len: 0,
    });
    expect(packet('+0.00 >[ect0] P. 1:11(10) ack 1')).toMatchObject({
      tos: 'ect0',
      flags: 'P.',
      len: 10,
    });
    expect(packet('+0 < SEW 0:0(0) win 1').flags).toBe('SEW');
  });
  it('refuses an end that is not the start plus the length, unknown flags and options', () => {
    expect(errorOf('0 < S 0:5(0) win 1').message).toBe(
      'x.pkt:1:7: 0:5(0): the end must be the start plus the length',
    );
    expect(errorOf('0 < SX 0:0(0)').message).toMatch(/^x\.pkt:1:5: unknown flag 'X'/);
    expect(errorOf('0 < S 0:0(0) <mss 1460,foo>').message).toMatch(
      /^x\.pkt:1:24: unknown TCP option 'foo'/,
    );
    expect(errorOf('0 < S 0:0(0) win 70000').message).toMatch(/the window 70000 is over 65535/);
    expect(errorOf('0 < S 0:0(0) win 1 win 2').message).toMatch(/^x\.pkt:1:20: unexpected 'win'/);
  });
});

describe('system calls', () => {
  it('arguments, results, errno names and notes', () => {
    expect(call('+0 getsockopt(3, SOL_SOCKET, SO_RCVBUF, [65536], [4]) = 0')).toMatchObject({
      name: 'getsockopt',
      args: [
        { kind: 'int', value: 3 },
        { kind: 'name', name: 'SOL_SOCKET' },
        { kind: 'name', name: 'SO_RCVBUF' },
        { kind: 'list', items: [{ kind: 'int', value: 65536 }] },
        { kind: 'list', items: [{ kind: 'int', value: 4 }] },
      ],
      result: { kind: 'int', value: 0 },
      errno: null,
    });
    expect(call('+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0').args[2]).toEqual({
      kind: 'or',
      terms: [
        { kind: 'name', name: 'O_RDWR' },
        { kind: 'name', name: 'O_NONBLOCK' },
      ],
    });
    expect(call('+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)')).toMatchObject({
      result: { kind: 'int', value: 2 },
      note: 'flags O_RDWR',
    });
    expect(
      call('+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)'),
    ).toMatchObject({
      args: [{ kind: 'int', value: 3 }, { kind: 'ellipsis' }, { kind: 'ellipsis' }],
      result: { kind: 'int', value: -1 },
      errno: 'EINPROGRESS',
      note: 'Operation now in progress',
    });
    expect(call('+0 write (3, ..., 10) = 10').name).toBe('write');
    expect(call('+0 read(3, ..., 100) = ...').result).toEqual({ kind: 'ellipsis' });
    expect(
      call('+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0').args[3],
    ).toEqual({
      kind: 'struct',
      fields: [
        { name: 'l_onoff', value: { kind: 'int', value: 1 } },
        { name: 'l_linger', value: { kind: 'int', value: 0 } },
      ],
    });
  });
  it('refuses a missing result, a bad errno and unclosed brackets', () => {
    expect(errorOf('0 close(3)').message).toBe(
      "x.pkt:1:11: expected '=' and the expected result at the end of the line",
    );
    expect(errorOf('0 close(3) = -1 bad').message).toMatch(/^x\.pkt:1:17: expected an errno name/);
    expect(errorOf('0 f([1, 2) = 0').message).toMatch(/^x\.pkt:1:10: expected ',' or ']'/);
  });
});

describe('shell lines, Python, comments and #ifdef', () => {
  it('keeps shell commands and Python blocks as text for the runner', () => {
    const s = parsePacketdrill(
      '0 `sysctl -w net.inet.tcp.rfc1323=1`\n+0 %{\nassert tcpi_state == TCPI_LISTEN\n}%\n+0 close(3) = 0',
    );
    expect(s.events.map((e) => e.kind)).toEqual(['shell', 'python', 'syscall']);
    expect(s.events[0]).toMatchObject({ command: 'sysctl -w net.inet.tcp.rfc1323=1' });
    expect(s.events[1]).toMatchObject({ code: '\nassert tcpi_state == TCPI_LISTEN\n', line: 2 });
    // The line after a block of several lines is counted right.
    expect(s.events[2]!.line).toBe(5);
  });
  it('drops comments of both kinds', () => {
    const s = parsePacketdrill('// a\n/* b\nc */ 0 close(3) = 0 // d\n/* e */');
    expect(s.events).toHaveLength(1);
    expect(s.events[0]).toMatchObject({ line: 3, column: 6, text: '0 close(3) = 0' });
  });
  it('takes the FreeBSD branch of an #ifdef and drops the others', () => {
    const s = parsePacketdrill(
      [
        '#ifdef STANDARD',
        '0 close(1) = 0',
        '#endif',
        '#ifdef FreeBSD',
        '0 close(2) = 0',
        '#else',
        '0 close(3) = 0',
        '#endif',
        '#ifndef Linux',
        '0 close(4) = 0',
        '#endif',
      ].join('\n'),
    );
    expect(s.events.map((e) => (e as PktSyscall).args[0])).toEqual([
      { kind: 'int', value: 2 },
      { kind: 'int', value: 4 },
    ]);
  });
  it('refuses unbalanced #ifdefs, unknown directives and unterminated text', () => {
    expect(errorOf('#endif').message).toBe('x.pkt:1:1: #endif without #ifdef');
    expect(errorOf('#ifdef A\n0 close(3) = 0').message).toBe('x.pkt:2:1: #ifdef without #endif');
    expect(errorOf('  #include x').message).toMatch(/^x\.pkt:1:3: unknown directive '#include x'/);
    expect(errorOf('0 `sysctl\n`').message).toMatch(/^x\.pkt:1:3: unterminated shell command/);
    expect(errorOf('0 %{ x').message).toMatch(/^x\.pkt:1:3: unterminated Python block/);
    expect(errorOf('/* x').message).toMatch(/^x\.pkt:1:1: unterminated comment/);
    expect(errorOf('0 frob').message).toMatch(/^x\.pkt:1:3: expected a segment \(< or >\)/);
  });
});

describe('hostile input', () => {
  it('refuses a script over the size limit before reading it', () => {
    expect(errorOf('/'.repeat(MAX_SCRIPT_CHARS + 1)).message).toMatch(/^x\.pkt:1:1: the script is/);
  });
  // One pass, no backtracking: a 400 KB line parses well within the test's timeout.
  it('does bounded work on long or deeply nested lines', () => {
    const long = `0 f(${'1|'.repeat(200_000)}1) = 0`;
    const arg = call(long).args[0];
    expect(arg?.kind === 'or' && arg.terms.length).toBe(200_001);
    expect(errorOf(`0 f(${'['.repeat(100)}) = 0`).message).toMatch(/nested more than 8 deep/);
    expect(errorOf(`${'#ifdef A\n'.repeat(50)}`).message).toMatch(/nested more than 16 deep/);
    expect(errorOf(`0 < S 0:0(0) <${'nop,'.repeat(50)}nop>`).message).toMatch(/more than 40/);
    // Quoted tokens are cut short in messages.
    expect(errorOf(`0 ${'x'.repeat(10_000)}`).message.length).toBeLessThan(200);
  });
});

describe('any text', () => {
  // Pieces of the syntax, shuffled: most of it is wrong, and must be refused cleanly.
  const piece = fc.constantFrom(
    '0',
    '+0.1',
    '...',
    '~',
    '*',
    '<',
    '>',
    'S.',
    'F',
    ' 1:1(0)',
    ' ack 1',
    ' win 5',
    '<mss 1460,',
    'nop>',
    'TS val 1 ecr 2',
    'close(3)',
    ' = ',
    '-1',
    'EAGAIN',
    '(note)',
    '[1]',
    '{a=1}',
    '|',
    '`sysctl -w a=1`',
    '%{ x }%',
    '//c',
    '/*',
    '*/',
    '#ifdef FreeBSD',
    '#endif',
    '--mtu=9',
    '\n',
    ' ',
    '"s"',
    '\u00a0',
    '\t',
  );
  it('parses or is refused with a PktSyntaxError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(piece, { maxLength: 40 }).map((a) => a.join('')),
          fc.string(),
        ),
        (src) => {
          try {
            parsePacketdrill(src);
          } catch (e) {
            expect(e).toBeInstanceOf(PktSyntaxError);
            expect((e as PktSyntaxError).line).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('the FreeBSD suite', () => {
  const root = join(__dirname, '..', '..', '..', '..', 'conformance', 'freebsd');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.pkt')) files.push(p);
    }
  };
  walk(root);
  it('has its 281 scripts', () => expect(files).toHaveLength(281));
  it('parses every script', () => {
    for (const f of files) expect(() => parsePacketdrill(readFileSync(f, 'utf8'), f)).not.toThrow();
  });
});
