/**
 * The machine's transitions as data, read from `tcpMachine` itself: what the
 * state diagram draws, what the walkthrough explains, what tests hold against
 * RFC 9293. Nothing here is written by hand, so it cannot drift from the
 * rules the simulator runs.
 */
import { TIMEOUT_TYPES, tcpMachine } from './endpoint-machine';
import { STATES, type StateName } from './tcb';

export interface MachineTransition {
  /** The transition's stable id (`<STATE>/<what>`), the key of its translations and explanations. */
  readonly id: string;
  readonly from: StateName;
  /** Where it goes; `from` for a transition that stays (no target, or a re-entry). */
  readonly to: StateName;
  /** The machine's event type ("SEGMENT", "CLOSE", "TIME_WAIT_TIMEOUT"). */
  readonly event: string;
  /** The event is a timer of the connection expiring. */
  readonly timer: boolean;
  /** Its description in the machine ("rcv SYN / snd SYN,ACK"). */
  readonly label: string;
}

/** What a state node of the machine looks like at run time (XState v5 StateNode). */
interface NodeTransition {
  readonly eventType: string;
  readonly target?: readonly { readonly key: string }[] | undefined;
  readonly description?: string | undefined;
  readonly meta?: { readonly id?: string } | undefined;
}
interface NodeShape {
  readonly transitions: ReadonlyMap<string, readonly NodeTransition[]>;
}

const isState = (s: string): s is StateName => (STATES as readonly string[]).includes(s);

let cache: readonly MachineTransition[] | null = null;

/** Every transition of the machine, state by state, in definition order. */
export function machineTransitions(): readonly MachineTransition[] {
  if (cache) return cache;
  const states = tcpMachine.root.states as unknown as Record<string, NodeShape>;
  const out: MachineTransition[] = [];
  for (const [from, node] of Object.entries(states)) {
    if (!isState(from)) throw new Error(`tcpMachine: unknown state ${from}`);
    for (const list of node.transitions.values())
      for (const t of list) {
        const to = t.target?.[0]?.key ?? from;
        if (!isState(to)) throw new Error(`tcpMachine: unknown target ${to}`);
        const id = t.meta?.id;
        if (id === undefined) throw new Error(`tcpMachine: a ${from} transition has no id`);
        out.push({
          id,
          from,
          to,
          event: t.eventType,
          timer: TIMEOUT_TYPES.has(t.eventType),
          label: t.description ?? t.eventType,
        });
      }
  }
  cache = out;
  return out;
}

/** One transition by its id. */
export function transitionById(id: string): MachineTransition | undefined {
  return machineTransitions().find((t) => t.id === id);
}
