/** TCP itself: sequence arithmetic, segments, profiles, RTO, the TCB and the endpoint machine. */
export * from './seq';
export * from './segment';
export * from './profile';
export * from './rto';
export {
  CC_PHASES,
  INFINITE_SSTHRESH,
  STATES,
  SYNCHRONIZED,
  TIMER_NAMES,
  armedTimers,
  ccFlight,
  sackedBytes,
  finSent,
  freeWindow,
  inFlight,
  unreadBytes,
  unsentBytes,
  type Address,
  type CcPhase,
  type RtxKind,
  type EmittedSegment,
  type Errno,
  type OooSegment,
  type RtxEntry,
  type StateName,
  type Tcb,
  type TimerName,
} from './tcb';
export {
  tcpMachine,
  stateOf,
  type TcpActor,
  type TcpEvent,
  type TcpSnapshot,
} from './endpoint-machine';
export { machineTransitions, transitionById, type MachineTransition } from './transitions';
export { TIMEOUT_EVENTS, TIMEOUT_TYPES, type EndpointContext } from './endpoint-machine';
