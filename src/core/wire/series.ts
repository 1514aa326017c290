/**
 * The time series behind the graphs as CSV (`npm run sim -- FILE --series OUT.csv`):
 * one row per congestion sample (a sender's state after a step that changed it)
 * and per queue sample (a bottleneck's occupancy when it changed), in time order.
 * Columns a row's series does not have are empty.
 */
import type { Trace } from '../sim/trace';

export const SERIES_COLUMNS = [
  'time_s',
  'series',
  'conn',
  'side',
  'cwnd_bytes',
  'ssthresh_bytes',
  'in_flight_bytes',
  'srtt_ms',
  'rto_ms',
  'phase',
  'snd_una',
  'snd_nxt',
  'peer_window_bytes',
  'queue_packets',
  'queue_bytes',
] as const;

const num = (x: number | null): string => (x === null ? '' : String(Number(x.toFixed(6))));

/** The congestion and queue samples of a trace as CSV text, header first. */
export function seriesCsv(trace: Trace): string {
  const rows: string[] = [SERIES_COLUMNS.join(',')];
  const nc = trace.ccCount;
  const nq = trace.queueCount;
  let i = 0;
  let j = 0;
  while (i < nc || j < nq) {
    // Merge the two series by time; at one instant, congestion samples first.
    if (j >= nq || (i < nc && trace.ccTime(i) <= trace.queueTime(j))) {
      const s = trace.ccSample(i++);
      rows.push(
        [
          num(s.t / 1000),
          'cc',
          s.conn,
          s.side,
          num(s.cwnd),
          num(s.ssthresh),
          num(s.flight),
          num(s.srtt),
          num(s.rto),
          s.phase,
          String(s.una),
          String(s.nxt),
          String(s.wnd),
          '',
          '',
        ].join(','),
      );
    } else {
      const q = trace.queueSample(j++);
      rows.push(
        [
          num(q.t / 1000),
          'queue',
          '',
          q.from,
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          q.packets,
          q.bytes,
        ].join(','),
      );
    }
  }
  return rows.join('\n') + '\n';
}
