import busboy from 'busboy';
import type http from 'node:http';
import { z } from 'zod';
import { newCallSid, type SandboxCall } from './call';

const MAX_FORM_BYTES = 64 * 1024;

/** Reads Calls/connect.json's form (url-encoded, or multipart as some clients send). */
export async function readForm(req: http.IncomingMessage): Promise<Record<string, string>> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    return new Promise((resolve, reject) => {
      const fields: Record<string, string> = {};
      const bb = busboy({ headers: req.headers, limits: { fieldSize: MAX_FORM_BYTES, files: 0 } });
      bb.on('field', (k, v) => (fields[k] = v));
      bb.on('close', () => resolve(fields));
      bb.on('error', reject);
      req.pipe(bb);
    });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

const phone = z
  .string()
  .trim()
  .regex(/^\+?\d{6,15}$/, 'is not a phone number');
const seconds = (max: number) => z.coerce.number().int().min(1).max(max);
const wsUrl = z
  .string()
  .max(599, 'must be under 600 characters')
  .refine((v) => /^wss?:\/\//i.test(v), 'must be a ws:// or wss:// URL');

const ConnectFormSchema = z.object({
  From: phone,
  CallerId: phone,
  Url: z.url().optional(),
  StreamUrl: wsUrl.optional(),
  StreamType: z.enum(['bidirectional', 'unidirectional']).optional(),
  CustomField: z.string().max(128, 'must be at most 128 characters').optional(),
  StatusCallback: z.url().optional(),
  StatusCallbackContentType: z.enum(['application/json', 'multipart/form-data']).optional(),
  Record: z.enum(['true', 'false']).optional(),
  TimeOut: seconds(3600).optional(),
  TimeLimit: seconds(14_400).optional(),
});

/** Validates the connect form as Exotel would and builds the sandbox's call record. */
export function parseConnectForm(
  form: Record<string, string>,
): { ok: true; build: (accountSid: string, now: number) => SandboxCall } | { ok: false; error: string } {
  const parsed = ConnectFormSchema.safeParse(form);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { ok: false, error: `${i?.path.join('.') ?? 'form'} ${i?.message ?? 'is invalid'}` };
  }
  const f = parsed.data;
  if ((f.Url === undefined) === (f.StreamUrl === undefined)) {
    return {
      ok: false,
      error: 'Give either Url (a flow) or StreamUrl (a direct stream), not both or neither',
    };
  }
  const events = Object.entries(form)
    .filter(([k]) => /^StatusCallbackEvents(\[\d+\])?$/.test(k))
    .map(([, v]) => v.trim().toLowerCase());
  return {
    ok: true,
    build: (accountSid, now) => ({
      sid: newCallSid(),
      accountSid,
      from: f.From,
      callerId: f.CallerId,
      target:
        f.Url !== undefined
          ? { mode: 'flow', flowUrl: f.Url }
          : { mode: 'stream', streamUrl: f.StreamUrl ?? '' },
      customField: f.CustomField ?? null,
      statusCallback: f.StatusCallback ?? null,
      callbackEvents: events,
      callbackJson: f.StatusCallbackContentType === 'application/json',
      record: f.Record === 'true',
      timeOutSec: f.TimeOut ?? null,
      timeLimitSec: f.TimeLimit ?? null,
      status: 'queued',
      created: now,
      updated: now,
      started: null,
      answered: null,
      ended: null,
      answeredBy: null,
      legs: [],
      conversationSec: null,
      history: [],
    }),
  };
}
