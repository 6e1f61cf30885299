import type React from 'react';
import type { Settings } from '../../../../shared/settings';
import { Field } from '../Field';
import { SectionForm } from '../SectionForm';
import { CallingSettingsSchema, WEEKDAYS } from '../../../../shared/settings';

const TIME_ZONES: string[] = Intl.supportedValuesOf('timeZone');

interface Props {
  saved: Settings['calling'];
  save: (values: Settings['calling']) => Promise<void>;
}

export function CallingSection({ saved, save }: Props): React.JSX.Element {
  return (
    <SectionForm
      title="Calling window"
      description="Default hours and days when campaigns may dial, in the customers' time zone."
      schema={CallingSettingsSchema}
      saved={saved}
      onSave={save}
    >
      {(d, update, errors) => (
        <div className="grid">
          <Field label="Time zone" error={errors.timeZone}>
            {(id, by) => (
              <>
                <input
                  id={id}
                  aria-describedby={by}
                  list={`${id}-zones`}
                  value={d.timeZone}
                  onChange={(e) => update({ timeZone: e.target.value })}
                />
                <datalist id={`${id}-zones`}>
                  {TIME_ZONES.map((z) => (
                    <option key={z} value={z} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <Field label="Calls start at" error={errors.windowStart}>
            {(id, by) => (
              <input
                id={id}
                aria-describedby={by}
                type="time"
                value={d.windowStart}
                onChange={(e) => update({ windowStart: e.target.value })}
              />
            )}
          </Field>
          <Field label="Calls end at" error={errors.windowEnd}>
            {(id, by) => (
              <input
                id={id}
                aria-describedby={by}
                type="time"
                value={d.windowEnd}
                onChange={(e) => update({ windowEnd: e.target.value })}
              />
            )}
          </Field>
          <Field
            label="Default phone region"
            hint="Two-letter country code for numbers without +"
            error={errors.defaultRegion}
          >
            {(id, by) => (
              <input
                id={id}
                aria-describedby={by}
                maxLength={2}
                value={d.defaultRegion}
                onChange={(e) => update({ defaultRegion: e.target.value.toUpperCase() })}
              />
            )}
          </Field>
          <Field
            label="Account calls per minute"
            hint="Your Exotel account's limit: no campaign is paced above it"
            error={errors.callsPerMinuteLimit}
          >
            {(id, by) => (
              <input
                id={id}
                aria-describedby={by}
                type="number"
                min={1}
                max={6000}
                value={Number.isNaN(d.callsPerMinuteLimit) ? '' : d.callsPerMinuteLimit}
                onChange={(e) => update({ callsPerMinuteLimit: e.target.valueAsNumber })}
              />
            )}
          </Field>
          <fieldset className="days">
            <legend>Calling days</legend>
            {WEEKDAYS.map((day) => (
              <label key={day} className="check">
                <input
                  type="checkbox"
                  checked={d.days.includes(day)}
                  onChange={(e) =>
                    update({
                      days: e.target.checked
                        ? WEEKDAYS.filter((w) => w === day || d.days.includes(w))
                        : d.days.filter((w) => w !== day),
                    })
                  }
                />
                {day}
              </label>
            ))}
            {errors.days && (
              <small className="field__error" role="alert">
                {errors.days}
              </small>
            )}
          </fieldset>
        </div>
      )}
    </SectionForm>
  );
}
