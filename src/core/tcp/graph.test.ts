/**
 * The endpoint machine as a graph: which of its states can be reached by
 * events, and whether its configuration names only RFC 9293's states.
 */
import { describe, expect, it } from 'vitest';
import type { ActorLogic, AnyStateNode } from 'xstate';
import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { TIMEOUT_EVENTS, tcpMachine, type TcpEvent, type TcpSnapshot } from './endpoint-machine';
import { LINUX } from './profile';
import { ACK, FIN, RST, SYN, type Segment } from './segment';
import { STATES, TIMER_NAMES, finSent, type StateName, type TcbInput } from './tcb';
import { ALLOWED_TRANSITIONS } from '../testing/test-world';

const LOCAL = { ip: 0xc0000201, port: 9821 };
const REMOTE = { ip: 0xc000020a, port: 40000 };
const LOCAL_ISS = 1_000_000;
const PEER_ISS = 7_000_000;

/** A segment from the peer. */
function peer(flags: number, seq: number, ack: number): Segment {
  return {
    srcIp: REMOTE.ip,
    dstIp: LOCAL.ip,
    srcPort: REMOTE.port,
    dstPort: LOCAL.port,
    seq,
    ack: flags & ACK ? ack : 0,
    flags,
    window: 65535,
    options: flags & SYN ? { mss: 1460 } : {},
    payload: new Uint8Array(0),
  };
}

/**
 * Representative events for a snapshot. Sequence and acknowledgment numbers
 * come from the snapshot's TCB so that the peer behaves like a peer: its
 * segments carry SEQ = RCV.NXT (PEER_ISS before its SYN is known) and ACK
 * either SND.NXT (everything acknowledged, our FIN included) or SND.UNA
 * (nothing new), which is what FIN_WAIT_1 -> CLOSING needs.
 *
 * Timers are events like any other (their deadlines live in the TCB), so the
 * 2MSL timer's TIME_WAIT_TIMEOUT is supplied in TIME_WAIT only, like a timer
 * expiring; TIME_WAIT itself is reached through segments (FIN,ACK).
 */
function eventsFor(snap: TcpSnapshot): TcpEvent[] {
  const c = snap.context.tcb;
  const seq = c.rcvNxt !== 0 ? c.rcvNxt : PEER_ISS + 1;
  const now = c.now;
  const seg = (flags: number, s: number, a: number): TcpEvent => ({
    type: 'SEGMENT',
    now,
    seg: peer(flags, s, a),
  });
  const events: TcpEvent[] = [
    { type: 'PASSIVE_OPEN', now, iss: LOCAL_ISS, tsOffset: 0 },
    { type: 'ACTIVE_OPEN', now, iss: LOCAL_ISS, tsOffset: 0, remote: REMOTE },
    { type: 'CLOSE', now, orphan: true },
    { type: 'ABORT', now },
    { type: 'RTX_TIMEOUT' },
    { type: 'FIN_WAIT_2_TIMEOUT' },
    seg(SYN, PEER_ISS, 0),
    seg(SYN | ACK, PEER_ISS, c.sndNxt),
    seg(ACK, seq, c.sndNxt),
    seg(ACK, seq, c.sndUna),
    seg(FIN | ACK, seq, c.sndNxt),
    seg(FIN | ACK, seq, c.sndUna),
    seg(RST, seq, 0),
    seg(RST | ACK, seq, c.sndNxt),
  ];
  if (snap.value === 'TIME_WAIT') events.push({ type: 'TIME_WAIT_TIMEOUT' });
  return events;
}

/**
 * Snapshots are told apart by state and the parts of the TCB that decide
 * which rule applies next; the rest (timestamps, windows, clocks) would make
 * the graph endless. Retransmissions are counted up to the SYN give-up limit.
 */
function serializeState(snap: TcpSnapshot): string {
  const c = snap.context.tcb;
  return JSON.stringify([
    snap.value,
    c.passiveOpen,
    c.finRcvd,
    c.finQueued,
    finSent(c),
    c.orphan,
    c.sndUna === c.sndNxt,
    Math.min(c.retransmits, 12),
    c.error,
  ]);
}

const traversal = {
  input: { profile: LINUX, local: LOCAL },
  events: eventsFor,
  serializeState,
};

describe('tcpMachine as a graph', () => {
  const paths = getShortestPaths(tcpMachine, traversal);

  it('reaches exactly the eleven states of RFC 9293', () => {
    const reached = new Set(paths.map((p) => p.state.value));
    expect([...reached].sort()).toEqual([...STATES].sort());
  });

  it('every edge of the traversal between two states is a transition RFC 9293 allows', () => {
    // All edges, not only those on shortest paths: every event from every snapshot reached.
    // (getAdjacencyMap's typing knows no emitted events; the machine emits segments.)
    const logic = tcpMachine as unknown as ActorLogic<TcpSnapshot, TcpEvent, TcbInput>;
    const edges = adjacencyMapToArray(getAdjacencyMap(logic, traversal));
    expect(edges.length).toBeGreaterThan(paths.length);
    const seen = new Set<string>();
    for (const e of edges)
      if (e.state.value !== e.nextState.value) seen.add(`${e.state.value}>${e.nextState.value}`);
    const notAllowed = [...seen].filter((t) => !ALLOWED_TRANSITIONS.has(t));
    expect(notAllowed).toEqual([]);
    // The traversal is not trivial: it covers the handshake, both closes and the resets.
    for (const t of [
      'CLOSED>SYN_SENT',
      'LISTEN>SYN_RECEIVED',
      'SYN_SENT>SYN_RECEIVED',
      'SYN_RECEIVED>LISTEN',
      'FIN_WAIT_1>CLOSING',
      'FIN_WAIT_1>TIME_WAIT',
      'CLOSING>TIME_WAIT',
      'TIME_WAIT>CLOSED',
      'LAST_ACK>CLOSED',
      'SYN_SENT>CLOSED',
    ])
      expect(seen, t).toContain(t);
  });

  it('the shortest ways into the handshake states are the textbook ones', () => {
    const shortest = (state: StateName) =>
      paths
        .filter((p) => p.state.value === state)
        .reduce((a, b) => (b.weight < a.weight ? b : a))
        .steps.slice(1)
        .map((s) => (s.event.type === 'SEGMENT' ? `SEGMENT ${s.event.seg.flags}` : s.event.type));
    expect(shortest('LISTEN')).toEqual(['PASSIVE_OPEN']);
    expect(shortest('SYN_SENT')).toEqual(['ACTIVE_OPEN']);
    expect(shortest('ESTABLISHED')).toEqual(['ACTIVE_OPEN', `SEGMENT ${SYN | ACK}`]);
    expect(shortest('TIME_WAIT')).toHaveLength(4);
  });
});

describe('tcpMachine configuration', () => {
  const nodes = Object.values(tcpMachine.root.states) as AnyStateNode[];

  it('has the eleven states of RFC 9293 at the top level and nothing nested', () => {
    expect(Object.keys(tcpMachine.root.states).sort()).toEqual([...STATES].sort());
    for (const n of nodes) expect(Object.keys(n.states), n.key).toEqual([]);
  });

  it('every transition targets one of the eleven states', () => {
    let count = 0;
    for (const n of nodes) {
      for (const [eventType, ts] of n.transitions) {
        for (const t of ts) {
          for (const target of t.target ?? []) {
            count++;
            expect(STATES as readonly string[], `${n.key} on ${eventType}`).toContain(target.key);
            expect(target.parent, `${n.key} on ${eventType}`).toBe(tcpMachine.root);
          }
        }
      }
    }
    expect(count).toBeGreaterThan(20);
  });

  it('every SEGMENT transition has a description', () => {
    let count = 0;
    for (const n of nodes) {
      const ts = n.transitions.get('SEGMENT') ?? [];
      expect(ts.length, `${n.key} handles SEGMENT`).toBeGreaterThan(0);
      for (const t of ts) {
        count++;
        expect(typeof t.description, `${n.key} SEGMENT #${ts.indexOf(t)}`).toBe('string');
        expect(t.description!.length).toBeGreaterThan(0);
      }
    }
    expect(count).toBeGreaterThan(40);
  });

  it("TIME_WAIT's 2MSL timer is a named timer whose expiry goes to CLOSED", () => {
    const node = tcpMachine.root.states.TIME_WAIT!;
    const onTimeout = node.transitions.get('TIME_WAIT_TIMEOUT');
    expect(onTimeout).toHaveLength(1);
    expect(onTimeout![0]!.target?.map((t) => t.key)).toEqual(['CLOSED']);
    // No XState delayed transition anywhere: every timer is a deadline in the TCB.
    for (const state of Object.values(tcpMachine.root.states)) expect(state.after).toEqual([]);
  });

  it('every timer has its event, and only the states that arm a timer handle it', () => {
    for (const name of TIMER_NAMES) {
      const type = TIMEOUT_EVENTS[name].type;
      const handledIn = Object.values(tcpMachine.root.states)
        .filter((s) => s.transitions.has(type))
        .map((s) => s.key);
      expect(handledIn.length, name).toBeGreaterThan(0);
    }
  });

  it('every transition has a stable, unique id in its meta', () => {
    const ids: string[] = [];
    for (const state of Object.values(tcpMachine.root.states))
      for (const list of state.transitions.values())
        for (const t of list) {
          const id = (t.meta as { id?: unknown } | undefined)?.id;
          expect(typeof id, `${state.key} ${t.eventType}`).toBe('string');
          expect((id as string).startsWith(`${state.key}/`)).toBe(true);
          ids.push(id as string);
        }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(100);
  });
});
