import type { Channel } from './contract';

/** Electron IPC channel names, shared by the preload and the shell. */
export const invokeChannel = (channel: Channel): string => `calldeck:${channel}`;
export const EVENT_CHANNEL = 'calldeck:event';
export const STAGE_FILE_CHANNEL = 'calldeck:files.stage';
