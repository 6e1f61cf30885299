import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { macHead, sameHex } from './audit-hash';

/** What the head file anchors: the chain's length and last hash, outside the database. */
export interface AuditHead {
  /** Rows in the chain (= seq of its last row). */
  rows: number;
  headHash: string;
  /** Rows hashed with the legacy unkeyed scheme (the prefix written before keying). */
  legacyRows: number;
  at: string;
}

const HeadFileSchema = z
  .object({
    version: z.literal(1),
    rows: z.number().int().min(0),
    headHash: z.string().regex(/^[0-9a-f]{64}$/),
    legacyRows: z.number().int().min(0),
    at: z.string().max(40),
    mac: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

export type HeadReading =
  | { state: 'missing' }
  | { state: 'damaged'; reason: string }
  /** `macOk` is null when no key was available to check it. */
  | { state: 'ok'; head: AuditHead; macOk: boolean | null };

const macFields = (h: AuditHead) => [h.rows, h.headHash, h.legacyRows, h.at];

/** The head file beside the database: rewritten atomically (temp + rename), readable by its owner only. */
export class AuditHeadFile {
  constructor(
    readonly file: string,
    private readonly key: Buffer | undefined,
  ) {}

  read(): HeadReading {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
      return { state: 'damaged', reason: `cannot read it: ${(err as Error).message}` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text.slice(0, 4096));
    } catch {
      return { state: 'damaged', reason: 'it is not JSON' };
    }
    const parsed = HeadFileSchema.safeParse(json);
    if (!parsed.success) return { state: 'damaged', reason: 'its fields are not what CallDeck writes' };
    const { mac, version: _v, ...head } = parsed.data;
    const macOk = this.key ? sameHex(macHead(this.key, macFields(head)), mac) : null;
    return { state: 'ok', head, macOk };
  }

  write(head: AuditHead): void {
    if (!this.key) throw new Error('internal: the audit head is written only with the audit key');
    const body = { version: 1, ...head, mac: macHead(this.key, macFields(head)) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      if (process.platform !== 'win32') fs.fchmodSync(fd, 0o600); // a stale temp file keeps its mode
      fs.writeFileSync(fd, JSON.stringify(body) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }
}
