// The load generator: many Exotel-side callers from one (child) process, real time, real caller audio,
// staggered or all at once, measuring voice-to-voice on the callers' side. Used by
// bench/voicebot/scale.run.ts and proved against a bot with a known delay in
// test/integration/voicebot/load-generator.test.ts.
export { callerAudio, isLoud, LOUD_PEAK, trimAfterLastLoud } from './audio';
export type { CallResult, TurnResult } from './caller';
export { startFixedDelayBot, type BotReply, type FixedDelayBot } from './fixed-delay-bot';
export { runGenerator, type GeneratorSlip, type LoadReport } from './generator';
export { schedule, type CallSchedule, type LoadMode, type LoadPlan } from './plan';
export { LoadRunError, runLoad } from './run-load';
export { describe, summarise, type LoadSummary } from './summary';
