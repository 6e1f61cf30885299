/** Calls: one call from dial to end. The state machine (single writer of call state), dialOnce, views, the test call. */
export * from './call-state';
export * from './call-state-service';
export { dialOnce, type DialDeps, type DialOnceRequest, type DialOutcome, type DoNotCall } from './dial-once';
export { ProviderCheck, type CallDetailsSource, type CheckAnswer } from './provider-check';
export { recoverCalls, type CallRecoveryDeps, type RecoveredCall } from './recovery';
export { attemptInfo, eventInfo } from './views';
export {
  assembleCallStats,
  callScopeSql,
  callTotalsFromArray,
  callTotalsSql,
  CallStatsQuery,
  percentile,
  readCallTotals,
  type CallScope,
  type CallStatsParts,
  type CallTotals,
} from './stats';
export { CallStatsFold, type FoldedCall, type FoldedSession } from './stats-fold';
export { CallBoardQuery, type BoardQuery } from './board';
export {
  placeTestCall,
  TestCallError,
  type AccountGate,
  type CallbackUrls,
  type TestCallDeps,
  type TestCallRequest,
} from './test-call';
export { voicebotCallLink, type CallForStream } from './voicebot-link';
export { callDetailsInput } from './call-state-inputs';
export { PriceFollowUp, PRICE_CHECKS_MS, type PriceFollowUpDeps } from './price-follow-up';
