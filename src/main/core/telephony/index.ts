/** Telephony: the provider interface, Exotel's REST client and callback parsing, and the local sandbox. */
export type {
  CallDetailsResult,
  FindCallsRequest,
  FindCallsResult,
  CallMode,
  CallTarget,
  CredentialsCheckResult,
  ParseResult,
  PlaceCallRequest,
  PlaceCallResult,
  ProviderFailure,
  TelephonyProvider,
} from './types';
export { ExotelClient, connectForm, DEFAULT_TIMEOUT_MS, type ExotelClientOptions } from './exotel/client';
export {
  parsePassthru,
  parseStatusCallback,
  type AnsweredBy,
  type CallLeg,
  type Passthru,
  type PassthruStream,
  type StatusCallback,
} from './exotel/callbacks';
export { CALL_STATUSES, TERMINAL_STATUSES, type ExotelCall, type ExotelCallStatus } from './exotel/schemas';
export { EXOTEL_TIME_ZONE, exotelApiBase, flowUrl } from './exotel/wire';
export { createTelephonyProvider, type ProviderChoice } from './provider';
export { startSandbox, type Sandbox, type SandboxOptions } from './sandbox/server';
export {
  CalleeScriptSchema,
  DEFAULT_SCRIPT,
  loadCalleeScript,
  parseCalleeScript,
  calleeFor,
  ScriptError,
  type Callee,
  type CalleeScript,
  type SandboxFlow,
  type Utterance,
} from './sandbox/script';
export {
  holdLineStreamSide,
  type SandboxStreamSide,
  type StreamContext,
  type StreamOutcome,
} from './sandbox/stream-side';
export { SandboxClock } from './sandbox/clock';
export type { SandboxCall } from './sandbox/call';
export { exotelStreamSide, type ExotelStreamSideOptions } from './sandbox/exotel-stream-side';
export { silentSpeech, wavToPcm, type Speak } from './sandbox/callee-audio';
export { failureText } from './failure-text';
export {
  ProviderChooser,
  SANDBOX_ACCOUNT,
  SANDBOX_CALLER_ID,
  SANDBOX_FLOW_APP,
  type Choice,
  type ExotelCredentials,
  type ProviderChoiceOptions,
  type TelephonyMode,
} from './provider-choice';
