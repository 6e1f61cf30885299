// Voicebot domain: one session per call (VAD → ASR → dialog → TTS). The dialog is its decision layer.
export * from './dialog';
export { Voicebot, type VoicebotOptions } from './service';
export type { PlacingCall, PreparedGreeting } from './prepare-call';
export { VoicebotSession } from './session/session';
export { SessionOptionsSchema, type SessionOptions, type SessionOptionsInput } from './session/options';
export { VoicebotLimitsSchema, type VoicebotLimits, type VoicebotLimitsInput } from './limits';
export type {
  SessionDeps,
  SessionSpeech,
  SessionObserver,
  SessionSetup,
  SessionEndInfo,
  SessionStartInfo,
} from './session/observer';
export {
  SessionRecorder,
  type BotLookup,
  type VoicebotCallLink,
  type VoicebotEventSink,
  type VoicebotEventName,
} from './records/session-recorder';
export { BotRegistry, UnknownBotError, describeBot, type BotRegistryOptions } from './registry/bot-registry';
export { testCallVariables } from './records/test-variables';
export { writeRecordings, SPACE_CHECK_BYTES, type RecordingSpace } from './records/recording-files';
export { VoicebotRecords } from './records/records-query';
export { SpeechSource, speechConfigFromSettings, type SpeechSourceOptions } from './speech-source';
export { findResourcesDir, DEFAULT_BOT, DEFAULT_BOT_ID, BOTS_DIR } from './resources-dir';
