/**
 * The worker thread: runs the inputs the pool posts, one at a time, and posts
 * each verdict back. A hang or runaway memory is the pool's business: it
 * terminates this thread and starts another.
 */
import { parentPort } from 'node:worker_threads';
import { runInput, type FuzzInput } from './target';

interface Task {
  readonly id: number;
  readonly input: FuzzInput;
}

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');
port.on('message', (t: Task) => {
  port.postMessage({ id: t.id, verdict: runInput(t.input) });
});
port.postMessage('ready');
