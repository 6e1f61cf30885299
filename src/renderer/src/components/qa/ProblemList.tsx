import type React from 'react';
import type { QaScenarioProblem } from '../../../../shared/qa';

/** `confirm.yaml:12:5 steps[1].say: must not be empty`, as the CLI prints it. */
export function problemText(p: QaScenarioProblem): string {
  const where = p.line === null ? p.file : `${p.file}:${p.line}${p.column === null ? '' : `:${p.column}`}`;
  return `${where} ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

export function ProblemList({ problems }: { problems: QaScenarioProblem[] }): React.JSX.Element | null {
  if (problems.length === 0) return null;
  return (
    <ul className="qa-problems" aria-label="Problems">
      {problems.map((p, i) => (
        <li key={i} className="field__error">
          {problemText(p)}
        </li>
      ))}
    </ul>
  );
}
