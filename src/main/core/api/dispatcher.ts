import type { z } from 'zod';
import { listChannels, type Channel, type ChannelEntry } from '../../../shared/api/contract';
import { ApiError, type ApiErrorBody, type ApiIssue, type ApiResult } from '../../../shared/api/errors';
import type { AuditFailure } from '../../../shared/audit';
import type { Logger } from '../logging';
import { queryScope, type AuditTrail } from '../reports';
import type { AuditScope } from '../store';
import type { FlatHandlers } from './handlers';

/** Who is calling: recorded in the audit log. */
export interface CallContext {
  actor: string;
}

/** What a handler gets: the caller, and its action's audit scope (a query's refuses to write). */
export interface HandlerContext extends CallContext {
  audit: AuditScope;
}

export function issuesOf(error: z.ZodError): ApiIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function redact(request: unknown, fields: readonly string[] | undefined): unknown {
  if (!fields?.length || typeof request !== 'object' || request === null) return request;
  const copy: Record<string, unknown> = { ...(request as Record<string, unknown>) };
  for (const f of fields) if (f in copy && copy[f] !== null) copy[f] = '[redacted]';
  return copy;
}

/**
 * A refused request is recorded by its problems only: it did not match the schema, so a secret
 * may sit in any field (a misspelt one too). Problems under a redacted field lose their message.
 */
function refusal(body: ApiErrorBody, fields: readonly string[] | undefined): AuditFailure {
  const hidden = (path: string) => fields?.some((f) => path === f || path.startsWith(`${f}.`)) ?? false;
  return {
    code: body.code,
    message: body.issues?.some((i) => hidden(i.path)) ? 'the request was refused' : body.message,
    issues: body.issues?.map((i) => ({ path: i.path, message: hidden(i.path) ? '[redacted]' : i.message })),
  };
}

/** The subject of a refused request, when its shape allows (else the method's name). */
function refusedSubject(entry: ChannelEntry, raw: unknown): string {
  try {
    const s = entry.spec.subject?.(raw);
    if (typeof s === 'string' && s.length <= 120 && !/undefined|\[object/.test(s)) return s;
  } catch {
    // A subject function may not cope with a malformed request: the method name stands in.
  }
  return entry.channel;
}

/**
 * The single entry point every host calls: validates the request with the contract's schema,
 * runs the handler, and turns every failure into a typed error value. A mutating method runs in
 * an audit scope (see AuditTrail): one row per call, written with its change, or with its error
 * when it is refused or fails. Queries write no rows.
 */
export class Dispatcher {
  private readonly entries: Map<string, ChannelEntry>;

  constructor(
    private readonly handlers: FlatHandlers,
    private readonly trail: AuditTrail,
    private readonly log: Logger,
  ) {
    this.entries = new Map(listChannels().map((e) => [e.channel, e]));
  }

  channels(): Channel[] {
    return [...this.entries.keys()] as Channel[];
  }

  async invoke(channel: string, rawRequest: unknown, ctx: CallContext): Promise<ApiResult<unknown>> {
    const entry = this.entries.get(channel);
    const handler = this.handlers[channel as Channel];
    if (!entry || !handler) {
      this.log.warn('unknown api method', { channel });
      return { ok: false, error: { code: 'unknown_method', message: `Unknown method "${channel}"` } };
    }
    const spec = entry.spec;
    const parsed = spec.request.safeParse(rawRequest ?? {});
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      const first = issues[0];
      const where = first?.path ? `${first.path}: ` : '';
      this.log.info('rejected api request', { channel, issues });
      const error: ApiErrorBody = {
        code: 'invalid_request',
        message: `${channel}: ${where}${first?.message ?? 'invalid request'}`,
        issues,
      };
      if (spec.mutating) {
        const scope = this.trail.open({
          actor: ctx.actor,
          action: channel,
          subject: refusedSubject(entry, rawRequest ?? {}),
        });
        this.trail.recordFailure(scope, refusal(error, spec.redact));
      }
      return { ok: false, error };
    }
    const subject = spec.mutating ? (spec.subject?.(parsed.data) ?? channel) : channel;
    try {
      const value = spec.mutating
        ? await this.trail.run(
            { actor: ctx.actor, action: channel, subject, request: redact(parsed.data, spec.redact) },
            (audit) => handler(parsed.data, { ...ctx, audit }),
            (err) => this.errorBody(channel, err, false),
          )
        : await handler(parsed.data, {
            ...ctx,
            audit: queryScope({ actor: ctx.actor, action: channel, subject }),
          });
      return { ok: true, value };
    } catch (err) {
      return { ok: false, error: this.errorBody(channel, err, true) };
    }
  }

  /** The typed error a caller gets; unexpected ones are logged once (`log`) with their stack. */
  private errorBody(channel: string, err: unknown, log: boolean): ApiErrorBody {
    if (err instanceof ApiError) return err.toBody();
    if (log) this.log.error('api handler failed', { channel, err });
    const message = err instanceof Error ? err.message : String(err);
    return { code: 'internal', message: `${channel} failed: ${message}` };
  }
}
