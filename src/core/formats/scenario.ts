/**
 * Scenario files: a small line-oriented language (packetdrill's idea, made
 * simpler) that says how to set up a run and what each side's program does.
 *
 *     # A title, and what happens
 *     seed 42
 *     profile linux
 *     set tcp_syn_retries 2
 *     link both delay 50ms
 *
 *     0     server l = socket()
 *     0     server bind(l, 9821)
 *     0     server listen(l, 64)
 *     0     server c = accept(l)
 *     0.05  client s = socket()
 *     +0    client connect(s, server) => 0
 *     +0    client send(s, "hello\n") => 6
 *     +0    server recv(c, 1024) => "hello\n"
 *     1     link drop next client F.
 *     run until idle
 *
 * `parseScenario` turns the text into a `Scenario` (plain data: every line of
 * the file, comments and blank lines included, so line numbers survive a
 * round trip) or throws a `ScenarioError` naming the line, column and what was
 * expected. `formatScenario` writes a scenario back as text. docs/scenarios.md
 * is the reference.
 *
 * The format is four modules: scenario-ast.ts (the data), scenario-lexer.ts,
 * scenario-parser.ts and scenario-format.ts. This one gathers their public
 * names, so `./scenario` (and the formats index) is where they are imported from.
 */
export {
  DEFAULT_SEED,
  DURATION_KEYS,
  ERRNO_NAMES,
  LINK_KEYS,
  ScenarioError,
  callKey,
  dirSides,
  fillerBytes,
  linkChange,
  scenarioSettings,
  type After,
  type CallStatement,
  type Expect,
  type FdRef,
  type LinkAction,
  type LinkAtStatement,
  type LinkDir,
  type LinkKey,
  type LinkSetting,
  type Pattern,
  type Payload,
  type PayloadMatch,
  type ProfileKey,
  type Scenario,
  type ScenarioCall,
  type ScenarioSettings,
  type Statement,
  type Target,
  type Time,
  type WaitEvent,
  type WaitStatement,
} from './scenario-ast';
export { MAX_QUOTED, clip } from './scenario-lexer';
export { closeMatches, parseScenario } from './scenario-parser';
export {
  formatCall,
  formatDuration,
  formatExpect,
  formatLinkAction,
  formatLinkValue,
  formatQueueLimit,
  formatRate,
  formatScenario,
  formatSettings,
  formatStatement,
  formatTime,
  formatWaitEvent,
  quoteBytes,
} from './scenario-format';
