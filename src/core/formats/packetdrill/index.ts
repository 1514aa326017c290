/** packetdrill scripts: the parser, and the runner that plays one against a simulated endpoint. */
export * from './ast';
export { parsePacketdrill } from './parser';
export { MAX_SCRIPT_CHARS } from './lexer';
export { planScript, DEFAULT_TOLERANCE_USECS, type PktPlan, type PktAssertion } from './support';
export {
  runPacketdrill,
  runScript,
  SCRIPT_PORT,
  SCRIPT_ISN,
  type PktResult,
  type PktDivergence,
} from './runner';
