/** The simulation core's public surface. */
export * from './seq';
export * from './segment';
export * from './profile';
export * from './rto';
export * from './tcb';
export * from './endpoint-machine';
export * from './scheduler';
export * from './prng';
export * from './link';
export * from './trace';
export * from './host';
export * from './world';
export * from './format';
export * from './conformance';
export * from './checksum';
export * from './wire';
export * from './pcap';
