import type { ExportAuditHead } from '../../../../shared/reports';
import type { AuditLog } from '../audit-log';
import type { ExportSource } from './row-source';

/**
 * The audit head an export carries: the anchored head file (row count, last hash, when) and the
 * chain's check against it: the rows written since the app's last whole walk (see
 * AuditLog.verifySinceChecked), so a long log does not hold the event loop. Without a readable
 * head file the chain's own head is given and the export says why it is not anchored.
 */
export async function readExportAuditHead(audit: AuditLog): Promise<ExportAuditHead> {
  // In slices: with another program writing, the check walks the whole chain.
  const chain = await audit.verifySinceChecked();
  const reading = audit.readHead();
  const anchored = reading.state === 'ok' ? reading.head : null;
  const headProblem =
    reading.state === 'ok'
      ? reading.macOk === false
        ? 'the head file does not carry a valid MAC'
        : null
      : reading.state === 'missing'
        ? 'the head file is missing'
        : `the head file is damaged: ${reading.reason}`;
  const problem = chain.ok ? headProblem : `row ${chain.brokenAt}: ${chain.reason}`;
  return {
    rows: anchored?.rows ?? (chain.ok ? chain.rows : null),
    headHash: anchored?.headHash ?? (chain.ok ? chain.headHash : null),
    anchoredAt: anchored?.at ?? null,
    verified: chain.ok && problem === null,
    keyChecked: chain.keyChecked,
    problem,
  };
}

/** The source with the audit head in its summary (every sheet and writer reads the source's own rows). */
export function withAuditHead(source: ExportSource, audit: ExportAuditHead | undefined): ExportSource {
  if (!audit) return source;
  return {
    heading: source.heading,
    // Read when asked for, as the source's own (its statistics may be folded from its rows).
    get summary() {
      return { ...source.summary, audit };
    },
    calls: () => source.calls(),
    turns: () => source.turns(),
    verdicts: () => source.verdicts(),
  };
}
