/** The simulation core's public surface: each layer's own index. */
export * from './tcp';
export * from './sockets';
export * from './sim';
export * from './wire';
export * from './formats';
