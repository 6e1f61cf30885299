// Bounded, prototype-safe parsing of outside input: every edge that builds objects from bytes it did
// not write (callbacks, stream frames, Api requests, spreadsheets) goes through here.
export {
  InputError,
  isForbiddenKey,
  quoteKey,
  type InputErrorKind,
  type InputResult,
  type SafeRecord,
} from './errors';
export { DEFAULT_JSON_LIMITS, parseJson, parseJsonObject, scanJson, type JsonLimits } from './json';
export { DEFAULT_MAX_FIELDS, emptyRecord, safeRecord, SafeRecordBuilder } from './record';
