import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_LOG_LIMITS, type LogLevel, type LogRecord, type LogSink } from './logger';
import { boundedJson, boundedLine } from './summarise';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface FileSinkOptions {
  /** The live file is rotated when a line would take it past this size. */
  maxBytes?: number;
  /** Rotated files kept: `calldeck.log.1` (newest) … `calldeck.log.<keep>`. */
  keep?: number;
}

/** 10 MB × (1 live + 3 old): the logs never take more than 40 MB of disk. */
export const DEFAULT_LOG_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_FILES_KEPT = 3;

/** Appends JSON lines to a file (created 0600: logs can name customers' numbers), rotated by size. */
export function fileSink(file: string, options: FileSinkOptions = {}): LogSink & { close(): void } {
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_FILE_BYTES;
  const keep = options.keep ?? DEFAULT_LOG_FILES_KEPT;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const open = () => fs.openSync(file, 'a', 0o600);
  let fd: number | undefined = open();
  let size = fs.fstatSync(fd).size;

  const rotate = (current: number) => {
    fs.closeSync(current);
    fd = undefined;
    try {
      for (let i = keep - 1; i >= 1; i--) {
        if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
      }
      if (keep >= 1) fs.renameSync(file, `${file}.1`);
      else fs.rmSync(file, { force: true });
    } finally {
      // Even if a rename failed, logging goes on (in the same file, rotated at the next try).
      fd = open();
      size = fs.fstatSync(fd).size;
    }
  };

  const sink = (record: LogRecord) => {
    if (fd === undefined) return;
    const line = boundedLine(record, DEFAULT_LOG_LIMITS) + '\n';
    const bytes = Buffer.byteLength(line);
    if (size > 0 && size + bytes > maxBytes) rotate(fd);
    fs.writeSync(fd, line);
    size += bytes;
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
    const fields = r.fields ? ' ' + boundedJson(r.fields, DEFAULT_LOG_LIMITS.maxLineBytes) : '';
    process.stderr.write(`[${r.level}] ${r.scope}: ${r.message}${fields}\n`);
  };
}

/** Keeps records in memory: for tests, and for hosts that show recent logs. */
export function memorySink(records: LogRecord[]): LogSink {
  return (r) => {
    records.push(r);
  };
}
