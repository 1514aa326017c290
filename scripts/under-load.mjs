// Runs a command while a busy loop occupies every core of the machine, and exits with
// the command's status. `npm test` runs the end-to-end suite once more this way: a test
// that passes only when the machine is idle is a broken test.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/under-load.mjs COMMAND [ARGS...]');
  process.exit(2);
}
const cores = availableParallelism();
const loops = Array.from({ length: cores }, () => new Worker('for (;;) {}', { eval: true }));
console.error(`under-load: ${cores} busy loop(s) running while: ${command} ${args.join(' ')}`);
const child = spawn(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
child.on('exit', (code, signal) => {
  void Promise.all(loops.map((w) => w.terminate())).then(() =>
    process.exit(code ?? (signal ? 1 : 0)),
  );
});
