/** Helpers for the core's own tests. */
export * from './test-world';
export * from './test-helpers';
