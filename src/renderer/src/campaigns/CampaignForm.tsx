import type React from 'react';
import { useState } from 'react';
import {
  LEGAL_WINDOW,
  RETRY_OUTCOMES,
  widensLegalWindow,
  type CampaignDetail,
} from '../../../shared/campaigns';
import type { BotInfo } from '../../../shared/bots';
import type { ListSummary } from '../../../shared/contacts';
import { WEEKDAYS } from '../../../shared/settings';
import { api, errorMessage, fieldErrors } from '../api';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { draftErrors, newDraft, parseRows, toCreateRequest, type CampaignDraft } from './campaign-draft';

interface Props {
  lists: readonly ListSummary[];
  bots: readonly BotInfo[];
  defaultBot: string;
  callsPerMinuteLimit: number;
  onCreated: (c: CampaignDetail) => void;
}

const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));

/** A number field whose empty text is NaN in the draft, so the schema names the field as missing. */
function NumberInput(p: {
  id: string;
  describedBy: string | undefined;
  min: number;
  value: number;
  onValue: (v: number) => void;
}): React.JSX.Element {
  return (
    <input
      id={p.id}
      aria-describedby={p.describedBy}
      type="number"
      min={p.min}
      value={Number.isNaN(p.value) ? '' : p.value}
      onChange={(e) => p.onValue(num(e.target.value))}
    />
  );
}

/**
 * A new campaign from a list: every field checked as it is typed with the schema the core applies
 * (CampaignCreateSchema); the core checks again, and the account's calls-per-minute limit, on create.
 */
export function CampaignForm({
  lists,
  bots,
  defaultBot,
  callsPerMinuteLimit,
  onCreated,
}: Props): React.JSX.Element {
  const [draft, setDraft] = useState<CampaignDraft>(() =>
    newDraft(defaultBot, Math.min(10, callsPerMinuteLimit)),
  );
  const [touched, setTouched] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const errors = touched ? draftErrors(draft) : {};
  if (touched && draft.callsPerMinute > callsPerMinuteLimit)
    errors.callsPerMinute ??= `Above the account's limit of ${callsPerMinuteLimit} calls a minute (Settings › Calling)`;
  const update = (patch: Partial<CampaignDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setTouched(true);
    setServerErrors({});
    setError(undefined);
  };
  const err = (k: keyof CampaignDraft, path?: string) => errors[k] ?? (path ? serverErrors[path] : undefined);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(draftErrors(draft)).length > 0 || draft.callsPerMinute > callsPerMinuteLimit) return;
    setBusy(true);
    try {
      const created = await api().campaigns.create(toCreateRequest(draft));
      setDraft(newDraft(defaultBot, Math.min(10, callsPerMinuteLimit)));
      setTouched(false);
      onCreated(created);
    } catch (x) {
      setServerErrors(fieldErrors(x, ''));
      setError(errorMessage(x));
    } finally {
      setBusy(false);
    }
  };

  const widened = widensLegalWindow({ start: draft.windowStart, end: draft.windowEnd });
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="New campaign" noValidate>
      <h2>New campaign</h2>
      <div className="grid">
        <Field label="Name" error={err('name', 'name')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={draft.name}
              onChange={(e) => update({ name: e.target.value })}
            />
          )}
        </Field>
        <Field label="Contact list" error={err('listId', 'listId')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={draft.listId ?? ''}
              onChange={(e) =>
                update({ listId: e.target.value ? Number(e.target.value) : null, contactIds: null })
              }
            >
              <option value="">Pick a list…</option>
              {lists.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name} ({l.valid} callable)
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Contacts"
          hint="Every callable contact, or only these rows of the list (e.g. 2-40, 55)"
          error={err('contactIds', 'contactIds')}
        >
          {(id, d) => (
            <ContactRows
              id={id}
              describedBy={d}
              listId={draft.listId}
              onChange={(contactIds) => update({ contactIds })}
            />
          )}
        </Field>
        <Field label="Bot" error={err('bot', 'bot')}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={draft.bot}
              onChange={(e) => update({ bot: e.target.value })}
            >
              {bots.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name} ({b.source})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Telephony mode"
          hint={
            draft.mode === 'stream'
              ? 'Exotel streams each call straight to the bot: no hand-over to an agent (that needs Flow)'
              : 'Exotel runs your flow (Settings › Telephony shows its URLs): the bot, then an agent when it transfers'
          }
        >
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={draft.mode}
              onChange={(e) => update({ mode: e.target.value as CampaignDraft['mode'] })}
            >
              <option value="stream">Direct stream</option>
              <option value="flow">Flow</option>
            </select>
          )}
        </Field>
        <Field label="Start at" hint="Empty: when you press Start" error={err('startAt', 'schedule.startAt')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="datetime-local"
              value={draft.startAt}
              onChange={(e) => update({ startAt: e.target.value })}
            />
          )}
        </Field>
        <Field label="End by" hint="Nothing is dialled after it" error={err('endAt', 'schedule.endAt')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="datetime-local"
              value={draft.endAt}
              onChange={(e) => update({ endAt: e.target.value })}
            />
          )}
        </Field>
      </div>

      <fieldset className="days" aria-label="Calling days">
        <legend>Calling window</legend>
        {WEEKDAYS.map((day) => (
          <label key={day} className="field-inline">
            <input
              type="checkbox"
              checked={draft.days.includes(day)}
              onChange={(e) =>
                update({
                  days: e.target.checked ? [...draft.days, day] : draft.days.filter((x) => x !== day),
                })
              }
            />
            {day}
          </label>
        ))}
        {err('days') && (
          <small className="field__error" role="alert">
            {err('days')}
          </small>
        )}
      </fieldset>
      <div className="grid">
        <Field label="Window start" error={err('windowStart', 'window.start')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={draft.windowStart}
              onChange={(e) => update({ windowStart: e.target.value })}
            />
          )}
        </Field>
        <Field label="Window end" error={err('windowEnd', 'window.end')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={draft.windowEnd}
              onChange={(e) => update({ windowEnd: e.target.value })}
            />
          )}
        </Field>
        <Field label="Time zone" hint="The callees' local time" error={err('timeZone', 'window.timeZone')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={draft.timeZone}
              onChange={(e) => update({ timeZone: e.target.value })}
            />
          )}
        </Field>
      </div>
      <label className="field-inline">
        <input
          type="checkbox"
          checked={draft.override}
          onChange={(e) => update({ override: e.target.checked })}
        />
        Call outside {LEGAL_WINDOW.start}–{LEGAL_WINDOW.end} (override)
      </label>
      {(widened || draft.override) && (
        <p className="banner banner--warn" data-testid="window-warning">
          India&apos;s telemarketing rules allow commercial calls {LEGAL_WINDOW.start}–{LEGAL_WINDOW.end} in
          the callee&apos;s local time.{' '}
          {draft.override
            ? 'The override is recorded in the audit log with your name.'
            : 'Tick the override to call outside it; it is audited.'}
        </p>
      )}
      {err('override', 'window.override') && (
        <small className="field__error" role="alert">
          {err('override', 'window.override')}
        </small>
      )}

      <div className="grid">
        <Field label="Max concurrent calls" error={err('maxConcurrent', 'pacing.maxConcurrent')}>
          {(id, d) => (
            <NumberInput
              id={id}
              describedBy={d}
              min={1}
              value={draft.maxConcurrent}
              onValue={(v) => update({ maxConcurrent: v })}
            />
          )}
        </Field>
        <Field
          label="Calls per minute"
          hint={`Account limit: ${callsPerMinuteLimit}`}
          error={err('callsPerMinute', 'pacing.callsPerMinute')}
        >
          {(id, d) => (
            <NumberInput
              id={id}
              describedBy={d}
              min={1}
              value={draft.callsPerMinute}
              onValue={(v) => update({ callsPerMinute: v })}
            />
          )}
        </Field>
        <Field
          label="Attempts per contact"
          hint="The first call included"
          error={err('maxAttempts', 'retry.maxAttempts')}
        >
          {(id, d) => (
            <NumberInput
              id={id}
              describedBy={d}
              min={1}
              value={draft.maxAttempts}
              onValue={(v) => update({ maxAttempts: v })}
            />
          )}
        </Field>
        <Field label="Retry interval (minutes)" error={err('intervalMinutes', 'retry.intervalMinutes')}>
          {(id, d) => (
            <NumberInput
              id={id}
              describedBy={d}
              min={0}
              value={draft.intervalMinutes}
              onValue={(v) => update({ intervalMinutes: v })}
            />
          )}
        </Field>
        <Field label="Interval growth">
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={draft.backoff}
              onChange={(e) => update({ backoff: e.target.value as CampaignDraft['backoff'] })}
            >
              <option value="linear">Linear</option>
              <option value="exponential">Exponential</option>
            </select>
          )}
        </Field>
        <Field
          label="Attempts per contact per day (all campaigns)"
          error={err('frequencyCapPerDay', 'frequencyCapPerDay')}
        >
          {(id, d) => (
            <NumberInput
              id={id}
              describedBy={d}
              min={1}
              value={draft.frequencyCapPerDay}
              onValue={(v) => update({ frequencyCapPerDay: v })}
            />
          )}
        </Field>
        <Field label="A number in two running campaigns">
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={draft.duplicates}
              onChange={(e) => update({ duplicates: e.target.value as CampaignDraft['duplicates'] })}
            >
              <option value="once">Call it once</option>
              <option value="per_campaign">Call it in each campaign</option>
            </select>
          )}
        </Field>
      </div>
      <fieldset className="days" aria-label="Retry on">
        <legend>Retry on</legend>
        {RETRY_OUTCOMES.map((o) => (
          <label key={o} className="field-inline">
            <input
              type="checkbox"
              checked={draft.retryOn.includes(o)}
              onChange={(e) =>
                update({
                  retryOn: e.target.checked ? [...draft.retryOn, o] : draft.retryOn.filter((x) => x !== o),
                })
              }
            />
            {o.replace('_', ' ')}
          </label>
        ))}
      </fieldset>
      {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
      <div className="form__actions">
        <button type="submit" disabled={busy || (touched && Object.keys(errors).length > 0)}>
          Create draft
        </button>
      </div>
    </form>
  );
}

/** Row numbers typed as ranges, read to the list's contact ids (null: the whole list). */
function ContactRows({
  id,
  describedBy,
  listId,
  onChange,
}: {
  id: string;
  describedBy: string | undefined;
  listId: number | null;
  onChange: (ids: number[] | null) => void;
}): React.JSX.Element {
  const [text, setText] = useState('');
  const [note, setNote] = useState<string>();
  const read = async (value: string) => {
    setText(value);
    const rows = parseRows(value);
    if (rows === null || listId === null) {
      onChange(null);
      setNote(rows === null && value.trim() ? 'Use row numbers and ranges, e.g. 2-40, 55' : undefined);
      return;
    }
    try {
      const last = Math.max(...rows);
      const ids: number[] = [];
      // Page through the list's callable rows up to the last row asked for.
      for (let after = 0, pages = 0; after < last && pages < 1000; pages++) {
        const page = await api().contacts.contacts({ listId, status: 'valid', afterRow: after, limit: 5000 });
        for (const c of page.contacts) if (rows.has(c.row)) ids.push(c.id);
        if (page.nextAfterRow === null) break;
        after = page.nextAfterRow;
      }
      setNote(`${ids.length} callable contact${ids.length === 1 ? '' : 's'} selected`);
      onChange(ids.length ? ids : []);
    } catch (x) {
      setNote(errorMessage(x));
    }
  };
  return (
    <>
      <input
        id={id}
        aria-describedby={describedBy}
        placeholder="All callable contacts"
        value={text}
        onChange={(e) => void read(e.target.value)}
      />
      {note && <small className="muted">{note}</small>}
    </>
  );
}
