import type { ExportScope } from '../../../../shared/reports';
import type { Db } from '../../store';

/** The call_attempts rows (alias `a`) a scope covers, as a WHERE clause and its named parameters. */
export function callsScope(scope: ExportScope): { sql: string; params: Record<string, string> } {
  switch (scope.kind) {
    case 'campaign':
      return { sql: 'a.campaign_id = @campaignId', params: { campaignId: scope.campaignId } };
    case 'range':
      // ISO UTC strings compare in time order: `from` inclusive, `to` exclusive.
      return {
        sql: 'a.created_at >= @from AND a.created_at < @to',
        params: { from: scope.from, to: scope.to },
      };
    case 'qa_run':
      // A QA run talks to a bot over the media port: it places no call attempts.
      return { sql: '0', params: {} };
  }
}

/** How long after a test call's attempt row its Api action's audit row may be written. */
const TEST_CALL_AUDIT_WINDOW_MS = 120_000;

/**
 * Who is behind a call, from the audit log: for a campaign's call, who first started (or scheduled)
 * the campaign, else who created it; for a test call, the actor of the successful
 * `telephony.placeTestCall` row that names its attempt id. Rows written before they named it: the
 * first such row written after the attempt's row (written when the Api call returned, so it
 * follows the attempt by the dial's duration; none within 2 minutes: unknown).
 */
export function operatorLookup(
  db: Db,
): (campaignId: string | null, createdAt: string, attemptId: string) => string | null {
  const campaigns = new Map<string, string | null>();
  const starter = db
    .prepare<[string], string>(
      `SELECT actor FROM audit_log WHERE subject = ? AND action IN ('campaigns.start', 'campaigns.schedule')
       AND json_valid(payload) AND json_extract(payload, '$.outcome') = 'ok' ORDER BY seq LIMIT 1`,
    )
    .pluck();
  const creator = db.prepare<[string], string>('SELECT created_by FROM campaigns WHERE id = ?').pluck();
  const placedBy = db
    .prepare<[string, string, string], string>(
      `SELECT actor FROM audit_log WHERE action = 'telephony.placeTestCall' AND at >= ? AND at <= ?
       AND json_valid(payload) AND json_extract(payload, '$.attemptId') = ? LIMIT 1`,
    )
    .pluck();
  const tester = db
    .prepare<[string, string], string>(
      `SELECT actor FROM audit_log WHERE action = 'telephony.placeTestCall' AND at >= ? AND at <= ?
       AND json_valid(payload) AND json_extract(payload, '$.outcome') = 'ok'
       AND json_extract(payload, '$.attemptId') IS NULL ORDER BY at, seq LIMIT 1`,
    )
    .pluck();
  return (campaignId, createdAt, attemptId) => {
    if (campaignId === null) {
      const until = new Date(Date.parse(createdAt) + TEST_CALL_AUDIT_WINDOW_MS).toISOString();
      return placedBy.get(createdAt, until, attemptId) ?? tester.get(createdAt, until) ?? null;
    }
    if (!campaigns.has(campaignId))
      campaigns.set(campaignId, starter.get(`campaign:${campaignId}`) ?? creator.get(campaignId) ?? null);
    return campaigns.get(campaignId) ?? null;
  };
}
