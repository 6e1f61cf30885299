import fs from 'node:fs';
import path from 'node:path';

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

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function serialiseError(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** A structured logger writing JSON lines to sinks. Callers never pass secrets. */
export function createLogger(sinks: LogSink[], minLevel: LogLevel = 'info', scope = 'core'): Logger {
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (order[level] < order[minLevel]) return;
    const cleaned = fields
      ? Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, serialiseError(v)]))
      : undefined;
    const record: LogRecord = { at: new Date().toISOString(), level, scope, message, fields: cleaned };
    for (const sink of sinks) sink(record);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (child) => createLogger(sinks, minLevel, `${scope}.${child}`),
  };
}

/** Appends JSON lines to a file (created 0600: logs can name customers' numbers). */
export function fileSink(file: string): LogSink & { close(): void } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let fd: number | undefined = fs.openSync(file, 'a', 0o600);
  const sink = (record: LogRecord) => {
    if (fd !== undefined) fs.writeSync(fd, JSON.stringify(record) + '\n');
  };
  return Object.assign(sink, {
    close() {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
    },
  });
}

export function stderrSink(minLevel: LogLevel = 'warn'): LogSink {
  return (r) => {
    if (order[r.level] < order[minLevel]) return;
    process.stderr.write(
      `[${r.level}] ${r.scope}: ${r.message}${r.fields ? ' ' + JSON.stringify(r.fields) : ''}\n`,
    );
  };
}

/** Keeps records in memory: for tests, and for hosts that show recent logs. */
export function memorySink(records: LogRecord[]): LogSink {
  return (r) => {
    records.push(r);
  };
}

export const silentLogger: Logger = createLogger([]);
