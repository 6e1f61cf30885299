import type { BoardCall } from '../../../shared/call-board';
import { isTerminal, type CallState } from '../../../shared/telephony';

/** `live` / `finished` group the states; a state name picks one. */
export type StateFilter = 'all' | 'live' | 'finished' | CallState;
/** An outcome is the bot's disposition: `all`, `none` (a call without one) or a disposition. */
export type OutcomeFilter = string;
/** `all`, `any` (flagged calls), `none` (calls without flags) or one flag. */
export type FlagFilter = string;

export interface BoardFilter {
  state: StateFilter;
  outcome: OutcomeFilter;
  flag: FlagFilter;
  /** Part of the number (digits, spaces ignored) or of the contact's name. */
  search: string;
  /** One campaign's calls; undefined: every call. */
  campaignId?: string;
}

export const NO_FILTER: BoardFilter = { state: 'all', outcome: 'all', flag: 'all', search: '' };

function matchesState(c: BoardCall, f: StateFilter): boolean {
  if (f === 'all') return true;
  if (f === 'live') return !isTerminal(c.state);
  if (f === 'finished') return isTerminal(c.state);
  return c.state === f;
}

function matchesFlag(c: BoardCall, f: FlagFilter): boolean {
  if (f === 'all') return true;
  if (f === 'any') return c.flags.length > 0;
  if (f === 'none') return c.flags.length === 0;
  return c.flags.includes(f);
}

/** The rows a filter keeps, in their order (one pass: the board holds up to tens of thousands). */
export function filterBoard(rows: readonly BoardCall[], f: BoardFilter): BoardCall[] {
  const text = f.search.trim().toLowerCase();
  const digits = text.replace(/[\s()-]/g, '');
  return rows.filter(
    (c) =>
      (f.campaignId === undefined || c.campaignId === f.campaignId) &&
      matchesState(c, f.state) &&
      (f.outcome === 'all' ||
        (f.outcome === 'none' ? c.disposition === null : c.disposition === f.outcome)) &&
      matchesFlag(c, f.flag) &&
      (text === '' ||
        (digits !== '' && c.number.includes(digits)) ||
        (c.contactName?.toLowerCase().includes(text) ?? false)),
  );
}

/** The distinct dispositions and flags on the board, for the filters' choices. */
export function boardChoices(rows: readonly BoardCall[]): { outcomes: string[]; flags: string[] } {
  const outcomes = new Set<string>();
  const flags = new Set<string>();
  for (const c of rows) {
    if (c.disposition) outcomes.add(c.disposition);
    for (const fl of c.flags) flags.add(fl);
  }
  return { outcomes: [...outcomes].sort(), flags: [...flags].sort() };
}

/**
 * The board's "In state" cell: how long a live call has been in its state; '—' once it has ended, as
 * its state no longer changes (counting on would only measure the time since it ended).
 */
export function inStateLabel(
  c: Pick<BoardCall, 'state' | 'updatedAt' | 'stateSince'>,
  nowMs: number,
): string {
  return isTerminal(c.state) ? '—' : sinceLabel(c.stateSince ?? c.updatedAt, nowMs);
}

/** How long a call has been in its state: `12 s`, `3 m 04 s`, `1 h 02 m`. */
export function sinceLabel(fromIso: string, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}
