import fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/**
 * Where the report's HTML goes: one file (the HTML export), or a series of documents cut between
 * sections once each holds `budget` of weight (the PDF export: whoever prints a document holds all
 * of it, so no one document may grow with the export). Writes wait for the file to drain.
 */
export interface PartsOptions {
  /** The n-th document after the first (n = 2, 3, …). */
  file: (n: number) => string;
  /** Weight per document: a table row weighs 1, a call's section 10 plus its transcript lines. */
  budget: number;
}

export class ReportOut {
  readonly files: string[] = [];
  private out!: fs.WriteStream;
  private failed!: Promise<never>;
  private weight = 0;

  /** `head` opens every document (the first and each continuation). */
  constructor(
    first: string,
    private readonly head: string,
    private readonly parts?: PartsOptions,
  ) {
    this.open(first);
  }

  private open(file: string): void {
    this.files.push(file);
    this.out = fs.createWriteStream(file);
    this.failed = new Promise<never>((_r, reject) => this.out.once('error', reject));
    this.failed.catch(() => undefined);
    this.out.write(this.head);
  }

  async write(s: string): Promise<void> {
    if (!this.out.write(s)) await Promise.race([once(this.out, 'drain'), this.failed]);
  }

  /**
   * After a section of `weight`: a place the document may end (with `close`, then `tail`) and the
   * next begin (the head, then `reopen`), when this document is full.
   */
  async mark(weight: number, close: string, tail: string, reopen: string): Promise<void> {
    this.weight += weight;
    if (!this.parts || this.weight < this.parts.budget) return;
    await this.end(close + tail);
    this.weight = 0;
    this.open(this.parts.file(this.files.length + 1));
    await this.write(reopen);
  }

  /** Writes `tail` and closes the current document. */
  async end(tail: string): Promise<void> {
    await this.write(tail);
    this.out.end();
    await Promise.race([finished(this.out), this.failed]);
  }

  destroy(): void {
    if (!this.out.closed) this.out.destroy();
  }
}
