import type React from 'react';
import { useState } from 'react';
import type { z } from 'zod';
import { errorMessage } from '../api';

interface SectionFormProps<T> {
  title: string;
  description?: string;
  schema: z.ZodType<T>;
  saved: T;
  onSave: (values: T) => Promise<void>;
  children: (
    draft: T,
    update: (patch: Partial<T>) => void,
    errors: Record<string, string>,
  ) => React.ReactNode;
  extra?: React.ReactNode;
}

const issuesByField = (error: z.ZodError): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const i of error.issues) out[i.path.map(String).join('.')] ??= i.message;
  return out;
};

const fieldErrors = <T,>(schema: z.ZodType<T>, draft: T): Record<string, string> => {
  const parsed = schema.safeParse(draft);
  return parsed.success ? {} : issuesByField(parsed.error);
};

/**
 * One settings section: a local draft validated with the same zod schema the core applies as the
 * user types (the saved values are valid, so every error is about what was just entered), so errors
 * show next to the field before anything is sent; the core validates again on save.
 */
export function SectionForm<T>({
  title,
  description,
  schema,
  saved,
  onSave,
  children,
  extra,
}: SectionFormProps<T>): React.JSX.Element {
  const [draft, setDraft] = useState<T>(saved);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ kind: 'saved' | 'error'; text: string }>();
  const [busy, setBusy] = useState(false);
  const savedJson = JSON.stringify(saved);
  const dirty = JSON.stringify(draft) !== savedJson;

  // A new saved value (our save, or a push from another tab) replaces the draft.
  const [lastSaved, setLastSaved] = useState(savedJson);
  if (lastSaved !== savedJson) {
    setLastSaved(savedJson);
    setDraft(saved);
    setErrors({});
  }

  const update = (patch: Partial<T>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    setErrors(fieldErrors(schema, next));
    setStatus(undefined);
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = schema.safeParse(draft);
    if (!parsed.success) {
      setErrors(issuesByField(parsed.error));
      setStatus({ kind: 'error', text: 'Fix the highlighted fields.' });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await onSave(parsed.data);
      setStatus({ kind: 'saved', text: 'Saved.' });
    } catch (err) {
      setStatus({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`section-${title}`}>
      <h2 id={`section-${title}`}>{title}</h2>
      {description && <p className="card__description">{description}</p>}
      <form onSubmit={(e) => void submit(e)} noValidate>
        {children(draft, update, errors)}
        <div className="form__actions">
          <button type="submit" disabled={busy || !dirty}>
            Save {title.toLowerCase()}
          </button>
          {dirty && (
            <button
              type="button"
              className="button--quiet"
              onClick={() => {
                setDraft(saved);
                setErrors({});
              }}
            >
              Discard changes
            </button>
          )}
          {status && (
            <span className={`status status--${status.kind}`} role="status">
              {status.text}
            </span>
          )}
        </div>
      </form>
      {extra}
    </section>
  );
}
