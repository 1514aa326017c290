/** The simulation: one scheduler, one PRNG, the link, the trace and the world. */
export * from './scheduler';
export * from './prng';
export * from './link';
export * from './trace';
export * from './world';
