/**
 * The session as C programs: their structure for known runs, the escaping of
 * send()'s data, determinism, and — for every scenario the app ships and a few
 * runs built here — that both programs compile with `cc -Wall -Werror`.
 * (The programs are only compiled, never run: they would use the network.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cPrograms,
  cProgram,
  cStringLines,
  cStringLiteral,
  cTime,
  sessionCalls,
} from './c-program';
import { parseScenario } from './scenario';
import { runScenario } from './scenario-runner';
import { PORT, SERVER_IP, bytes, listenOn, makeWorld, okRet } from '../testing/test-world';
import { World } from '../sim/world';

const SCENARIO_DIR = join(import.meta.dirname, '..', '..', '..', 'public', 'scenarios');
const KERNEL_DIR = join('..', '..', 'conformance', 'linux');
/** The gallery's scenarios, and the kernel references beside their captures (relative to SCENARIO_DIR). */
const scenarioFiles = [
  ...readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.scenario')),
  ...readdirSync(join(SCENARIO_DIR, KERNEL_DIR))
    .filter((f) => f.endsWith('.scenario'))
    .map((f) => join(KERNEL_DIR, f)),
].sort();
const runFile = (file: string): World =>
  runScenario(parseScenario(readFileSync(join(SCENARIO_DIR, file), 'utf8'), file)).world;
const runText = (text: string): World => runScenario(parseScenario(text)).world;

// ------------------------------------------------------------------ the compiler

const hasCc = spawnSync('cc', ['--version']).status === 0;
/** Without cc, compile tests are skipped on a developer's machine but fail in CI. */
const skipCompile = !hasCc && !process.env.CI;
const ccTitle = (title: string): string =>
  skipCompile ? `${title} [SKIPPED: no C compiler \`cc\` on this machine — install gcc]` : title;

let tmp: string | null = null;
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function writeC(name: string, src: string): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'tcp-playground-c-'));
  const file = join(tmp, `${name}.c`);
  writeFileSync(file, src);
  return file;
}

function requireCc(): void {
  if (!hasCc)
    throw new Error(
      'no C compiler: `cc` was not found on PATH. Install gcc (e.g. `apt-get install gcc`) to run these tests.',
    );
}

/** `cc -Wall -Werror -o /dev/null file.c` must succeed. */
function compiles(name: string, src: string): void {
  requireCc();
  const file = writeC(name, src);
  const r = spawnSync('cc', ['-Wall', '-Werror', '-o', '/dev/null', file], { encoding: 'utf8' });
  expect(r.status, `cc failed on ${name}.c:\n${r.stderr}\n${src}`).toBe(0);
}

/** Compile both programs of a run. */
function compilesBoth(name: string, world: World): { client: string; server: string } {
  const p = cPrograms(world);
  compiles(`${name}.client`, p.client);
  compiles(`${name}.server`, p.server);
  return p;
}

/** The bytes a C string literal (or adjacent literals) stands for, as the compiler sees them. */
function bytesOfLiteral(name: string, literal: string): Uint8Array {
  requireCc();
  const src = [
    '#include <stdio.h>',
    `static const char s[] = ${literal};`,
    'int main(void)',
    '{',
    '    fwrite(s, 1, sizeof s - 1, stdout);',
    '    return 0;',
    '}',
    '',
  ].join('\n');
  const file = writeC(name, src);
  const exe = file.replace(/\.c$/, '');
  const c = spawnSync('cc', ['-Wall', '-Werror', '-o', exe, file], { encoding: 'utf8' });
  expect(c.status, `cc failed:\n${c.stderr}\n${src}`).toBe(0);
  const r = spawnSync(exe);
  expect(r.status).toBe(0);
  return new Uint8Array(r.stdout);
}

/** Where `needle` is in `hay`; fails when it is not there. */
function at(hay: string, needle: string): number {
  const i = hay.indexOf(needle);
  expect(i, `missing: ${needle}\n--- in ---\n${hay}`).toBeGreaterThanOrEqual(0);
  return i;
}

/** The needles appear in this order. */
function inOrder(hay: string, needles: readonly string[]): void {
  let from = 0;
  for (const n of needles) {
    const i = hay.indexOf(n, from);
    expect(i, `missing after offset ${from}: ${n}\n--- in ---\n${hay}`).toBeGreaterThanOrEqual(0);
    from = i + n.length;
  }
}

const count = (hay: string, needle: string): number => hay.split(needle).length - 1;

// ------------------------------------------------------------------ runs built here

/** Client with two sockets at once: the second connect() and the server's second recv() overlap the first. */
function twoSockets(): World {
  const w = makeWorld(7, 10);
  const l = listenOn(w, { backlog: 8 });
  w.call('server', { name: 'accept', fd: l });
  const a = okRet(w.call('client', { name: 'socket' }));
  const b = okRet(w.call('client', { name: 'socket' }));
  w.call('client', { name: 'connect', fd: a, ip: SERVER_IP, port: PORT });
  w.call('client', { name: 'connect', fd: b, ip: SERVER_IP, port: PORT });
  w.runUntil(100);
  const c2 = okRet(w.call('server', { name: 'accept', fd: l }));
  const c1 = c2 - 1;
  w.call('server', { name: 'recv', fd: c1 });
  w.call('server', { name: 'recv', fd: c2 });
  w.runUntil(110);
  w.call('client', { name: 'send', fd: b, data: bytes('two') });
  w.runUntil(130);
  w.call('client', { name: 'send', fd: a, data: bytes('one') });
  w.runUntil(200);
  w.call('client', { name: 'close', fd: a });
  w.call('client', { name: 'close', fd: b });
  w.call('server', { name: 'recv', fd: c1 });
  w.runUntil(300);
  w.call('server', { name: 'close', fd: c1 });
  w.call('server', { name: 'close', fd: c2 });
  w.call('server', { name: 'close', fd: l });
  w.runUntilIdle();
  return w;
}

/** The client aborts with SO_LINGER {1, 0}: the server's blocked recv() fails with ECONNRESET. */
function lingerAbort(): World {
  const w = makeWorld(3, 10);
  const l = listenOn(w, { reuseAddr: true });
  w.call('server', { name: 'accept', fd: l });
  const s = okRet(w.call('client', { name: 'socket' }));
  w.call('client', { name: 'setsockopt', fd: s, opt: 'SO_LINGER', onoff: true, linger: 0 });
  w.call('client', { name: 'connect', fd: s, ip: SERVER_IP, port: PORT });
  w.runUntil(100);
  const c = l + 1;
  w.call('server', { name: 'recv', fd: c });
  w.call('client', { name: 'close', fd: s });
  w.runUntil(200);
  w.call('server', { name: 'close', fd: c });
  w.call('server', { name: 'close', fd: l });
  w.runUntilIdle();
  return w;
}

/** Half-close: send, shutdown(SHUT_WR), a send after it (EPIPE), then read to the end. */
function halfClose(): World {
  const w = makeWorld(5, 10);
  const l = listenOn(w);
  w.call('server', { name: 'accept', fd: l });
  const s = okRet(w.call('client', { name: 'socket' }));
  w.call('client', { name: 'connect', fd: s, ip: SERVER_IP, port: PORT });
  w.runUntil(100);
  const c = l + 1;
  w.call('client', { name: 'send', fd: s, data: bytes('request\n') });
  w.call('client', { name: 'shutdown', fd: s, how: 'SHUT_WR' });
  w.call('client', { name: 'send', fd: s, data: bytes('too late') });
  w.call('client', { name: 'recv', fd: s, len: 512 });
  w.call('server', { name: 'recv', fd: c });
  w.runUntil(150);
  w.call('server', { name: 'recv', fd: c });
  w.runUntil(200);
  w.call('server', { name: 'send', fd: c, data: bytes('bye\n') });
  w.call('server', { name: 'shutdown', fd: c, how: 'SHUT_RDWR' });
  w.call('server', { name: 'close', fd: c });
  w.runUntil(300);
  w.call('client', { name: 'recv', fd: s, len: 512 });
  w.call('client', { name: 'close', fd: s });
  w.runUntilIdle();
  return w;
}

/** Awkward data, a long send, a failed bind the session went on from, an accept still blocked at the end. */
function oddities(): World {
  const w = makeWorld(11, 10);
  const l = listenOn(w, { port: 7000 });
  const l2 = okRet(w.call('server', { name: 'socket' }));
  w.call('server', { name: 'setsockopt', fd: l2, opt: 'SO_REUSEADDR', value: true });
  w.call('server', { name: 'bind', fd: l2, port: 7000 }); // EADDRINUSE
  w.call('server', { name: 'setsockopt', fd: l2, opt: 'SO_REUSEADDR', value: false });
  w.call('server', { name: 'bind', fd: l2, port: 0 });
  w.call('server', { name: 'listen', fd: l2 });
  w.call('server', { name: 'accept', fd: l });
  w.call('server', { name: 'accept', fd: l2 }); // nobody ever connects to it
  const s = okRet(w.call('client', { name: 'socket' }));
  w.call('client', { name: 'connect', fd: s, ip: SERVER_IP, port: 7000 });
  w.runUntil(100);
  const weird = Uint8Array.from([0, 1, 0x41, 0x22, 0x5c, 0x0a, 0x3f, 0x3f, 0x3d, 0x09, 0xff, 0x66]);
  w.call('client', { name: 'send', fd: s, data: weird });
  w.call('client', { name: 'send', fd: s, data: bytes('/* not a comment */ ??/\n') });
  const long = new Uint8Array(3000);
  for (let i = 0; i < long.length; i++) long[i] = i % 256;
  w.call('client', { name: 'send', fd: s, data: long });
  w.call('client', { name: 'send', fd: s, data: new Uint8Array(0) });
  w.call('client', { name: 'recv', fd: 99 }); // EBADF
  w.runUntil(1000);
  return w;
}

// ------------------------------------------------------------------ tests

describe('sessionCalls', () => {
  it('pairs each call with the record of its own return, even when they return out of order', () => {
    const w = twoSockets();
    const server = sessionCalls(w, 'server');
    for (const c of server) {
      expect(c.result).not.toBeNull();
      expect(c.result!.call).toBe(c.call.name);
      expect(c.result!.start).toBe(c.start);
    }
    // The recv() on the second connection returned before the one on the first.
    const recvs = server.filter((c) => c.call.name === 'recv');
    expect(recvs[0]!.result!.t).toBeGreaterThan(recvs[1]!.result!.t);
    expect(recvs.map((c) => c.result!.ret)).toEqual([3, 3, 0]);
  });

  it('leaves a call still blocked at the end without a result', () => {
    const calls = sessionCalls(oddities(), 'server');
    const accepts = calls.filter((c) => c.call.name === 'accept');
    expect(accepts.map((c) => c.result?.ret ?? null)).toEqual([5, null]);
  });
});

describe('the echo scenario as C', () => {
  const { client, server } = cPrograms(runFile('../../conformance/linux/echo.scenario'));

  it('is two complete programs in the classic style', () => {
    for (const p of [client, server]) {
      for (const h of [
        'stdio.h',
        'stdlib.h',
        'string.h',
        'unistd.h',
        'errno.h',
        'arpa/inet.h',
        'sys/socket.h',
        'netinet/in.h',
      ])
        at(p, `#include <${h}>`);
      at(p, 'int main(void)\n{');
      expect(p.trimEnd().endsWith('return 0;\n}')).toBe(true);
      at(p, 'generated from the session in TCP'.replace('generated', 'Generated'));
      at(p, 'Client 192.0.2.10, server 192.0.2.1.');
      at(p, 'blocks until it returns');
    }
    at(client, 'The client (192.0.2.10)');
    at(server, 'The server (192.0.2.1)');
  });

  it('has the client connect to the server and send its data', () => {
    inOrder(client, [
      '/* t=0.050 s: returned 3 */',
      'int fd = socket(AF_INET, SOCK_STREAM, 0);',
      'if (fd == -1) {',
      'perror("socket");',
      'addr.sin_port = htons(9821);',
      'inet_pton(AF_INET, "192.0.2.1", &addr.sin_addr);',
      'if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {',
      'perror("connect");',
      'exit(1);',
      'if (send(fd, "hello", 5, 0) == -1) {',
      'char buf[1024];',
      'ssize_t n = recv(fd, buf, sizeof buf, 0);',
      'if (n == 0) {',
      'if (send(fd, "exit", 4, 0) == -1) {',
      'n = recv(fd, buf, sizeof buf, 0);',
      'if (close(fd) == -1) {',
      'return 0;',
    ]);
    at(client, 'then returned 5: "OK!!!" */');
    expect(count(client, 'perror(')).toBe(7);
    expect(count(client, '/* t=')).toBe(7);
  });

  it('has the server listen, accept, echo and close', () => {
    inOrder(server, [
      'int lfd = socket(AF_INET, SOCK_STREAM, 0);',
      'int opt = 1;',
      'setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof opt) == -1',
      'struct sockaddr_in addr;',
      'addr.sin_addr.s_addr = htonl(INADDR_ANY);',
      'addr.sin_port = htons(9821);',
      'if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) == -1) {',
      'if (listen(lfd, 64) == -1) {',
      '/* t=0.000 s: blocked until t=',
      'int cfd = accept(lfd, (struct sockaddr *)&cli, &len);',
      'inet_ntop(AF_INET, &cli.sin_addr, ip, sizeof ip)',
      'ssize_t n = recv(cfd, buf, sizeof buf, 0);',
      'send(cfd, "OK!!!", 5, 0)',
      'send(cfd, "OK!!!", 5, 0)',
      'returned 0 (end of stream) */',
      'close(cfd)',
      'close(lfd)',
    ]);
    expect(count(server, 'perror(')).toBe(12);
    // Every call succeeded: no failure branch goes on or returns 1.
    expect(server).not.toContain('observed:');
    expect(server).not.toContain('return 1;');
  });
});

describe('times and results in the comments', () => {
  it('gives when each call was made and, for a blocking one, when it returned', () => {
    const { client, server } = cPrograms(runFile('handshake.scenario'));
    at(client, '/* t=0.050 s: blocked until t=0.150 s, then returned 0 */');
    at(server, '/* t=0.000 s: blocked until t=0.200 s, then returned 4 */');
    at(server, 'with lfd and cfd still open');
  });

  it('formats virtual time in seconds, with more digits only where needed', () => {
    expect(cTime(0)).toBe('0.000');
    expect(cTime(150)).toBe('0.150');
    expect(cTime(50.03)).toBe('0.05003');
    expect(cTime(131_000)).toBe('131.000');
  });
});

describe('failed calls', () => {
  it('a refused connect: perror, the observed errno, close and return 1', () => {
    const { client, server } = cPrograms(runFile('../../conformance/linux/refused.scenario'));
    inOrder(client, [
      'then returned -1 (ECONNREFUSED) */',
      'if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {',
      'perror("connect"); /* observed: ECONNREFUSED */',
      'close(fd);',
      'return 1;',
      '}',
      'return 0;',
    ]);
    at(server, '/* The server made no socket calls in this session. */');
    expect(server).not.toContain('socket(');
  });

  it('a connect that timed out', () => {
    const { client } = cPrograms(runFile('../../conformance/linux/syn-timeout.scenario'));
    at(client, '/* t=0.000 s: blocked until t=7.000 s, then returned -1 (ETIMEDOUT) */');
    at(client, 'perror("connect"); /* observed: ETIMEDOUT */');
  });

  it('a failure the session went on from is reported, not fatal', () => {
    const { server, client } = cPrograms(oddities());
    inOrder(server, [
      'int lfd2 = socket(AF_INET, SOCK_STREAM, 0);',
      'returned -1 (EADDRINUSE) */',
      'addr.sin_port = htons(7000);',
      'perror("bind"); /* observed: EADDRINUSE; the session went on */',
      'opt = 0;',
      'addr.sin_port = htons(0); /* 0: the kernel picks a port */',
      'listen(lfd2, 128)',
    ]);
    inOrder(client, [
      'ssize_t n = recv(99, buf, sizeof buf, 0);',
      'if (n == -1) {',
      'perror("recv"); /* observed: EBADF */',
      'close(fd);',
      'return 1;',
    ]);
  });

  it('a recv() reset by the peer, and SO_LINGER {1, 0}', () => {
    const { client, server } = cPrograms(lingerAbort());
    inOrder(client, [
      'struct linger lg = { .l_onoff = 1, .l_linger = 0 };',
      'if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == -1) {',
      'connect(fd,',
      'close(fd)',
    ]);
    inOrder(server, [
      'returned -1 (ECONNRESET) */',
      'ssize_t n = recv(cfd, buf, sizeof buf, 0);',
      'if (n == -1) {',
      'perror("recv"); /* observed: ECONNRESET; the session went on */',
      '} else if (n == 0) {',
      '} else {',
      'close(cfd)',
    ]);
  });

  it('a send() after shutdown(SHUT_WR) fails with EPIPE, with SIGPIPE ignored', () => {
    const { client, server } = cPrograms(halfClose());
    inOrder(client, [
      '#include <signal.h>',
      'signal(SIGPIPE, SIG_IGN);',
      'send(fd, "request\\n", 8, 0)',
      'if (shutdown(fd, SHUT_WR) == -1) {',
      'returned -1 (EPIPE) */',
      'perror("send"); /* observed: EPIPE; the session went on */',
      'char buf[1024];',
      'ssize_t n = recv(fd, buf, 512, 0);',
      'returned 0 (end of stream) */',
    ]);
    at(server, 'shutdown(cfd, SHUT_RDWR)');
    expect(server).not.toContain('signal.h');
  });
});

describe('two sockets at once', () => {
  it('names the fds and says which calls overlapped in the session', () => {
    const { client, server } = cPrograms(twoSockets());
    inOrder(client, [
      'int fd = socket(',
      'int fd2 = socket(',
      'connect(fd, ',
      'made while connect(fd) above',
      'connect(fd2, ',
      'send(fd2, "two", 3, 0)',
      'send(fd, "one", 3, 0)',
    ]);
    inOrder(server, [
      'int lfd = socket(',
      'listen(lfd, 8)',
      'int cfd = accept(lfd,',
      'len = sizeof cli;',
      'int cfd2 = accept(lfd,',
      'recv(cfd, ',
      'made while recv(cfd) above',
      'n = recv(cfd2, ',
    ]);
    expect(count(server, 'struct sockaddr_in cli;')).toBe(1);
  });
});

describe('escaping send() data', () => {
  it('uses the usual escapes', () => {
    expect(cStringLiteral(bytes('hello'))).toBe('"hello"');
    expect(cStringLiteral(bytes('a\nb\tc\rd'))).toBe('"a\\nb\\tc\\rd"');
    expect(cStringLiteral(bytes('say "hi" \\o/'))).toBe('"say \\"hi\\" \\\\o/"');
    expect(cStringLiteral([])).toBe('""');
    expect(cStringLiteral([0, 0x7f, 0x80, 0xff])).toBe('"\\x00\\x7f\\x80\\xff"');
  });

  it('splits the literal where a hex escape is followed by a hex digit', () => {
    expect(cStringLiteral([0x01, 0x41])).toBe('"\\x01" "A"');
    expect(cStringLiteral([0xff, 0x30, 0x31])).toBe('"\\xff" "01"');
    expect(cStringLiteral([0x01, 0x66, 0x67])).toBe('"\\x01" "fg"');
    expect(cStringLiteral([0x01, 0x67])).toBe('"\\x01g"');
    expect(cStringLiteral([0x01, 0x02])).toBe('"\\x01\\x02"');
    expect(cStringLiteral([0x01, 0x0a])).toBe('"\\x01\\n"');
  });

  it('keeps trigraphs out', () => {
    expect(cStringLiteral(bytes('??='))).toBe('"?\\?="');
    expect(cStringLiteral(bytes('what???'))).toBe('"what?\\?\\?"');
  });

  it('breaks long data into lines, each a literal', () => {
    const data = new Uint8Array(300).fill(0x61);
    const lines = cStringLines(data, 72);
    expect(lines.length).toBeGreaterThan(4);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(72);
    expect(lines.join('').replaceAll('""', '')).toBe(`"${'a'.repeat(300)}"`);
  });

  it.skipIf(skipCompile)(
    ccTitle('the compiler reads back exactly the bytes, for every byte value'),
    () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      // Every byte before every other hex-digit-ish byte, and runs of '?'.
      const tricky = bytes('\x01A\x0fF\xffa\x009???=??/??(x\\"\n');
      for (const [name, data] of [
        ['all', all],
        ['tricky', tricky],
      ] as const) {
        expect(bytesOfLiteral(`lit-${name}`, cStringLiteral(data))).toEqual(data);
        expect(bytesOfLiteral(`lines-${name}`, cStringLines(data, 40).join('\n'))).toEqual(data);
      }
    },
  );

  it('puts long data in a named array before the send', () => {
    const { client } = cPrograms(oddities());
    inOrder(client, [
      'send(fd, "\\x00\\x01" "A\\"\\\\\\n?\\?=\\t\\xff" "f", 12, 0)',
      'send(fd, "/* not a comment * / ?\\?/\\n", 24, 0)'.replace('* /', '*/'),
      'static const char msg[] =',
      'send(fd, msg, 3000, 0)',
      'send(fd, "", 0, 0)',
    ]);
  });

  it('keeps comment markers in quoted data out of the comments', () => {
    const w = runText(
      [
        'link both delay 10ms',
        '0 server l = socket()',
        '0 server bind(l, 9821)',
        '0 server listen(l, 1)',
        '0 server c = accept(l)',
        '+0 server recv(c, 1024)',
        '0 client s = socket()',
        '+0 client connect(s, server)',
        '+0 client send(s, "a */ b /* c")',
        'run until idle',
      ].join('\n'),
    );
    const { server } = cPrograms(w);
    at(server, 'returned 11: "a * / b / * c" */');
  });
});

describe('determinism', () => {
  it('gives the same programs for the same session, and for its replay', () => {
    const a = cPrograms(runFile('../../conformance/linux/echo.scenario'));
    const b = cPrograms(runFile('../../conformance/linux/echo.scenario'));
    expect(b).toEqual(a);
    const w = runFile('../../conformance/linux/lost-syn.scenario');
    const replayed = World.replay(w.options, w.inputs);
    replayed.runUntilIdle();
    expect(cPrograms(replayed)).toEqual(cPrograms(w));
    expect(cProgram(w, 'client')).toBe(cPrograms(w).client);
  });

  it('describes only the calls made so far', () => {
    const full = runFile('../../conformance/linux/echo.scenario');
    const early = full.fork(0.06 * 1000);
    const { client } = cPrograms(early);
    at(client, 'send(fd, "hello", 5, 0)');
    expect(client).not.toContain('"exit"');
  });
});

describe('a side with no calls', () => {
  it('is a program that says so and returns 0', () => {
    const w = new World({ seed: 1 });
    const { client, server } = cPrograms(w);
    for (const [side, p] of [
      ['client', client],
      ['server', server],
    ] as const) {
      at(p, `/* The ${side} made no socket calls in this session. */`);
      expect(p).toContain('int main(void)\n{\n    /* The');
      expect(p.trimEnd().endsWith('return 0;\n}')).toBe(true);
    }
  });
});

describe('every program compiles with cc -Wall -Werror', () => {
  describe.each(scenarioFiles)('public/scenarios/%s', (file) => {
    it.skipIf(skipCompile)(ccTitle('client and server compile'), () => {
      const name = file.replace(/\.scenario$/, '').replace(/[\\/.]+/g, '-');
      compilesBoth(name, runFile(file));
    });
  });

  it('there are scenarios to compile', () => {
    expect(scenarioFiles.length).toBeGreaterThan(0);
  });

  for (const [name, make] of [
    ['two-sockets', twoSockets],
    ['linger-abort', lingerAbort],
    ['half-close', halfClose],
    ['oddities', oddities],
    ['empty', () => new World({ seed: 1 })],
  ] as const) {
    it.skipIf(skipCompile)(ccTitle(`a run built in the test: ${name}`), () => {
      compilesBoth(name, make());
    });
  }
});
