/**
 * The opening worker: parses a scenario file, decodes a share link or takes a
 * stored session, and runs or replays it within a work budget — off the main
 * thread, so a hostile input can cost at most this worker (which the page can
 * terminate), never the page. The work itself is in open-work.ts.
 */
import { expose } from 'comlink';
import { openWork } from './open-work';

expose(openWork);
