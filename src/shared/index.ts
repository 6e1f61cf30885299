export * from './api/contract';
export * from './api/errors';
export * from './api/events';
export * from './api/client';
export * from './settings';
export * from './audit';
export * from './files';
export * from './contacts';
