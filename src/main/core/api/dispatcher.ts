import type { z } from 'zod';
import { listChannels, type Channel, type ChannelEntry } from '../../../shared/api/contract';
import { ApiError, type ApiIssue, type ApiResult } from '../../../shared/api/errors';
import type { Logger } from '../logging';
import type { AuditLog } from '../reports';
import type { EventBus } from './event-bus';
import type { FlatHandlers } from './handlers';

/** Who is calling: recorded in the audit log. */
export interface CallContext {
  actor: string;
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
 * The single entry point every host calls: validates the request with the contract's schema,
 * runs the handler, audits mutations, and turns every failure into a typed error value.
 */
export class Dispatcher {
  private readonly entries: Map<string, ChannelEntry>;

  constructor(
    private readonly handlers: FlatHandlers,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
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
    const parsed = entry.spec.request.safeParse(rawRequest ?? {});
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      const first = issues[0];
      const where = first?.path ? `${first.path}: ` : '';
      this.log.info('rejected api request', { channel, issues });
      return {
        ok: false,
        error: {
          code: 'invalid_request',
          message: `${channel}: ${where}${first?.message ?? 'invalid request'}`,
          issues,
        },
      };
    }
    try {
      const value = await handler(parsed.data, ctx);
      if (entry.spec.mutating) {
        const row = this.audit.append({
          actor: ctx.actor,
          action: channel,
          subject: entry.spec.subject?.(parsed.data) ?? channel,
          payload: redact(parsed.data, entry.spec.redact),
        });
        this.events.emit('audit.appended', row);
      }
      return { ok: true, value };
    } catch (err) {
      if (err instanceof ApiError) return { ok: false, error: err.toBody() };
      this.log.error('api handler failed', { channel, err });
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, error: { code: 'internal', message: `${channel} failed: ${message}` } };
    }
  }
}
