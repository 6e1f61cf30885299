export * from './logger';
export * from './sinks';
export * from './process-faults';
