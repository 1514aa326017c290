/** Files and links: scenarios, the scenario runner, share links, C programs, gallery metadata, export. */
export * from './scenario';
export * from './scenario-runner';
export * from './scenario-export';
export * from './run-codec';
export * from './c-program';
export * from './scenario-meta';
export * from './limits';
/** The JSON-shape checker of share links, for stored sessions too. */
export * as jsonShape from './json-shape';
export * from './packetdrill';
