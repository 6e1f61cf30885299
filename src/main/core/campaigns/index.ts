/** Campaigns: the call state machine (single writer of call state) and the dialer. */
export * from './call-state';
export * from './call-state-service';
export { dialOnce, type DialOnceRequest } from './dial-once';
