import { OVERFLOW_KEY, RateLimiter, type RateLimits, type Suppressed } from './limiter';
import { summarise, truncate, type LogShape } from './summarise';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

export interface LogRecord {
  at: string;
  level: LogLevel;
  scope: string;
  message: string;
  fields?: LogFields;
}

export type LogSink = (record: LogRecord) => void;

export type LogLimits = RateLimits & LogShape;

/**
 * Outside input reaches the logs (refused requests, bad frames), so every logger is bounded: per
 * kind 20 lines and in all 200 lines per 10 s, then one "suppressed N similar" line per kind; strings
 * cut at 1,000 chars and a line at 4 KB. A flood of bad input costs a few KB a window, not the disk.
 */
export const DEFAULT_LOG_LIMITS: LogLimits = {
  windowMs: 10_000,
  perKey: 20,
  total: 200,
  maxStringChars: 1000,
  maxLineBytes: 4096,
};

export interface LoggerOptions {
  limits?: Partial<LogLimits>;
  /** Wall clock in ms (tests pass their own). */
  now?: () => number;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const MAX_MESSAGE_CHARS = 500;
/** Kinds summarised one line each when a window ends; the rest share one line. */
const SUMMARY_LINES = 20;
const SEP = '\u0000';

interface Shared {
  sinks: LogSink[];
  minLevel: LogLevel;
  limits: LogLimits;
  limiter: RateLimiter;
  now: () => number;
  timer?: NodeJS.Timeout;
}

/** A sink must never break the code that logs (a full disk is not the caller's problem). */
function deliver(shared: Shared, record: LogRecord): void {
  for (const sink of shared.sinks) {
    try {
      sink(record);
    } catch (err) {
      try {
        process.stderr.write(`[log sink failed] ${truncate(String(err), 300)}\n`);
      } catch {
        // stderr itself is gone: there is nowhere left to report it.
      }
    }
  }
}

function summaryRecords(shared: Shared, dropped: Suppressed[]): LogRecord[] {
  const at = new Date(shared.now()).toISOString();
  const sorted = [...dropped].sort((a, b) => b.count - a.count);
  const records: LogRecord[] = sorted
    .filter((d) => d.key !== OVERFLOW_KEY)
    .slice(0, SUMMARY_LINES)
    .map(({ key, count }) => {
      const [level = 'warn', scope = '', message = ''] = key.split(SEP);
      return {
        at,
        level: level as LogLevel,
        scope,
        message: `suppressed ${count} similar log lines`,
        fields: { similar: message, count },
      };
    });
  const shown = new Set(records.map((r) => `${r.level}${SEP}${r.scope}${SEP}${String(r.fields?.similar)}`));
  const rest = sorted.filter((d) => !shown.has(d.key)).reduce((n, d) => n + d.count, 0);
  if (rest > 0)
    records.push({
      at,
      level: 'warn',
      scope: 'log',
      message: `suppressed ${rest} other log lines`,
      fields: { count: rest },
    });
  return records;
}

function flushWindow(shared: Shared): void {
  for (const record of summaryRecords(shared, shared.limiter.rollover())) deliver(shared, record);
}

/** When lines were dropped, their summary is written as soon as the window ends, even if all goes quiet. */
function scheduleSummary(shared: Shared): void {
  if (shared.timer) return;
  shared.timer = setTimeout(() => {
    shared.timer = undefined;
    flushWindow(shared);
    if (shared.limiter.hasDropped) scheduleSummary(shared);
  }, shared.limiter.msLeft + 1);
  shared.timer.unref();
}

function write(shared: Shared, scope: string, level: LogLevel, message: string, fields?: LogFields): void {
  if (order[level] < order[shared.minLevel]) return;
  flushWindow(shared);
  if (!shared.limiter.admit(`${level}${SEP}${scope}${SEP}${message}`)) {
    scheduleSummary(shared);
    return;
  }
  const record: LogRecord = {
    at: new Date(shared.now()).toISOString(),
    level,
    scope,
    message: truncate(message, MAX_MESSAGE_CHARS),
    fields: fields ? (summarise(fields, shared.limits) as LogFields) : undefined,
  };
  deliver(shared, record);
}

function makeLogger(shared: Shared, scope: string): Logger {
  return {
    debug: (m, f) => write(shared, scope, 'debug', m, f),
    info: (m, f) => write(shared, scope, 'info', m, f),
    warn: (m, f) => write(shared, scope, 'warn', m, f),
    error: (m, f) => write(shared, scope, 'error', m, f),
    child: (child) => makeLogger(shared, `${scope}.${child}`),
  };
}

/**
 * A structured logger writing records to sinks, rate-limited and size-bounded (see
 * DEFAULT_LOG_LIMITS). Children share their parent's limits. Callers never pass secrets.
 */
export function createLogger(
  sinks: LogSink[],
  minLevel: LogLevel = 'info',
  scope = 'core',
  options: LoggerOptions = {},
): Logger {
  const now = options.now ?? Date.now;
  const limits = { ...DEFAULT_LOG_LIMITS, ...options.limits };
  const shared: Shared = { sinks, minLevel, limits, now, limiter: new RateLimiter(limits, now) };
  return makeLogger(shared, scope);
}

export const silentLogger: Logger = createLogger([]);
