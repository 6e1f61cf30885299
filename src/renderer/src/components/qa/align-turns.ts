import type {
  QaFailure,
  QaJudgement,
  QaRecordedTurn,
  QaScenarioRunInfo,
  QaTurnScore,
} from '../../../../shared/qa';

/** One run's side of an aligned row: the turn and what the evaluator said about it. */
export interface TurnCell {
  turn: QaRecordedTurn;
  score: QaTurnScore | null;
  failures: QaFailure[];
  judgements: QaJudgement[];
  /** Where playing "from this turn" starts in this run's audio (seconds, media time). */
  playFromS: number;
}

export interface AlignedRow {
  key: string;
  label: string;
  left: TurnCell | null;
  right: TurnCell | null;
}

/**
 * What makes two runs' turns "the same turn": the greeting, then the scenario step each turn answers
 * (a human and a synthetic run of one scenario follow the same steps, whatever their timing); LLM turns
 * have no step and pair by their position in the conversation.
 */
function turnKey(turn: QaRecordedTurn): string {
  if (turn.action === 'greeting') return 'greeting';
  if (turn.step !== null) return `step:${turn.step}`;
  return `turn:${turn.index}`;
}

function turnLabel(turn: QaRecordedTurn): string {
  if (turn.action === 'greeting') return 'Greeting';
  if (turn.step !== null) return `Step ${turn.step + 1}`;
  return `Turn ${turn.index}`;
}

/** A turn starts where the caller starts speaking, or, with no caller audio, where the bot does. */
export function turnStartMs(turn: QaRecordedTurn): number {
  if (turn.action === 'greeting') return 0;
  const starts = [turn.callerStartMs, turn.botStartMs].filter((v): v is number => v !== null);
  return starts.length ? Math.min(...starts) : 0;
}

function cells(run: QaScenarioRunInfo): Map<string, TurnCell> {
  const out = new Map<string, TurnCell>();
  const evaluation = run.evaluation;
  for (const turn of run.turns) {
    out.set(turnKey(turn), {
      turn,
      score: evaluation?.turns.find((t) => t.index === turn.index) ?? null,
      failures: evaluation?.failures.filter((f) => f.turn === turn.index) ?? [],
      judgements: evaluation?.judged.filter((j) => j.turn === turn.index) ?? [],
      playFromS: turnStartMs(turn) / 1000,
    });
  }
  return out;
}

function order(key: string): [number, number] {
  if (key === 'greeting') return [0, 0];
  const [kind, n] = key.split(':');
  return [kind === 'step' ? 1 : 2, Number(n)];
}

/** The two runs' turns side by side, in conversation order; a turn only one run had leaves a gap. */
export function alignTurns(left: QaScenarioRunInfo, right: QaScenarioRunInfo): AlignedRow[] {
  const a = cells(left);
  const b = cells(right);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => {
    const [kx, nx] = order(x);
    const [ky, ny] = order(y);
    return kx - ky || nx - ny;
  });
  return keys.map((key) => {
    const l = a.get(key) ?? null;
    const r = b.get(key) ?? null;
    const turn = (l ?? r)?.turn;
    return { key, label: turn ? turnLabel(turn) : key, left: l, right: r };
  });
}

/** Failures about the whole conversation (no turn), shown above the turns. */
export function conversationFailures(run: QaScenarioRunInfo): QaFailure[] {
  return run.evaluation?.failures.filter((f) => f.turn === undefined) ?? [];
}

/** How the right run's turn differs from the left's: what a reader compares first. */
export interface RowDifference {
  /** Right minus left voice-to-voice latency, ms; null unless both were measured. */
  latencyDeltaMs: number | null;
  /** The bot's words differ (case, punctuation and spacing aside). */
  botTextDiffers: boolean;
  /** The turn passed in one run and not in the other. */
  verdictDiffers: boolean;
}

const words = (s: string | null | undefined) =>
  (s ?? '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');

const botText = (c: TurnCell) => c.score?.botText || c.turn.botTextReported;

/** Null when only one run has the turn (the row already shows the gap). */
export function rowDifference(row: AlignedRow): RowDifference | null {
  const { left, right } = row;
  if (!left || !right) return null;
  const l = left.score?.latencyMs;
  const r = right.score?.latencyMs;
  const outcome = (c: TurnCell) => (c.failures.length > 0 ? 'fail' : (c.score?.outcome ?? null));
  return {
    latencyDeltaMs: l !== undefined && r !== undefined ? r - l : null,
    botTextDiffers: words(botText(left)) !== words(botText(right)),
    verdictDiffers: outcome(left) !== outcome(right),
  };
}
