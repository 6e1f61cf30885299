import type React from 'react';
import type { QaOutcome, QaVerdict } from '../../../../shared/qa';

const TEXT: Record<QaVerdict | QaOutcome, { label: string; className: string }> = {
  passed: { label: 'passed', className: 'badge badge--ok' },
  pass: { label: 'pass', className: 'badge badge--ok' },
  failed: { label: 'failed', className: 'badge badge--invalid' },
  fail: { label: 'fail', className: 'badge badge--invalid' },
  // A judge or evaluator that could not decide is not a bot failure: shown apart from both.
  no_verdict: { label: 'no verdict', className: 'badge badge--muted' },
  pending: { label: 'not scored yet', className: 'badge badge--muted' },
};

export function Verdict({ result }: { result: QaVerdict | QaOutcome }): React.JSX.Element {
  const t = TEXT[result];
  return <span className={t.className}>{t.label}</span>;
}
