import type React from 'react';
import { useEffect } from 'react';
import {
  CallingSettingsSchema,
  EXOTEL_HOSTS,
  ExotelSettingsSchema,
  SpeechSettingsSchema,
  TunnelSettingsSchema,
  WEEKDAYS,
} from '../../../shared/settings';
import { Field } from '../components/Field';
import { SecretField } from '../components/SecretField';
import { SectionForm } from '../components/SectionForm';
import { TelephonyPanel } from '../components/TelephonyPanel';
import { useSettingsStore } from '../state/settings-store';

const TIME_ZONES: string[] = Intl.supportedValuesOf('timeZone');
const HOST_LABELS: Record<(typeof EXOTEL_HOSTS)[number], string> = {
  'api.exotel.com': 'Singapore cluster (api.exotel.com)',
  'api.in.exotel.com': 'Mumbai cluster (api.in.exotel.com)',
};

export function SettingsPage(): React.JSX.Element {
  const view = useSettingsStore((s) => s.view);
  const loadError = useSettingsStore((s) => s.loadError);
  const load = useSettingsStore((s) => s.load);
  const save = useSettingsStore((s) => s.save);

  useEffect(() => {
    void load();
  }, [load]);

  if (loadError) return <p className="banner banner--error">Cannot load settings: {loadError}</p>;
  if (!view) return <p className="muted">Loading settings…</p>;
  const { settings } = view;

  return (
    <div className="page">
      <header className="page__header">
        <h1>Settings</h1>
        <p className="muted">
          Secrets are kept by this computer&apos;s keychain (or a private file when headless), never in the
          database, and are only ever shown as set or not set.
        </p>
      </header>

      <SectionForm
        title="Exotel account"
        description="Used to place calls through Exotel's Calls API. Without credentials CallDeck rehearses against its local sandbox."
        schema={ExotelSettingsSchema}
        saved={settings.exotel}
        onSave={(values) => save('exotel', values)}
        extra={
          <div className="card__secrets">
            <SecretField name="exotel.apiKey" label="API key" hint="Username of Exotel's API credentials" />
            <SecretField
              name="exotel.apiToken"
              label="API token"
              hint="Password of Exotel's API credentials"
            />
          </div>
        }
      >
        {(d, update, errors) => (
          <div className="grid">
            <Field label="Account SID" error={errors.accountSid}>
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  value={d.accountSid}
                  onChange={(e) => update({ accountSid: e.target.value })}
                />
              )}
            </Field>
            <Field label="Cluster" error={errors.host}>
              {(id, by) => (
                <select
                  id={id}
                  aria-describedby={by}
                  value={d.host}
                  onChange={(e) => update({ host: e.target.value as (typeof EXOTEL_HOSTS)[number] })}
                >
                  {EXOTEL_HOSTS.map((h) => (
                    <option key={h} value={h}>
                      {HOST_LABELS[h]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="ExoPhone (caller ID)" hint="e.g. 08047112345" error={errors.callerId}>
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  inputMode="tel"
                  value={d.callerId}
                  onChange={(e) => update({ callerId: e.target.value })}
                />
              )}
            </Field>
            <Field
              label="Flow app id"
              hint="The number at the end of the flow's start_voice URL"
              error={errors.flowAppId}
            >
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  inputMode="numeric"
                  value={d.flowAppId}
                  onChange={(e) => update({ flowAppId: e.target.value })}
                />
              )}
            </Field>
          </div>
        )}
      </SectionForm>

      <SectionForm
        title="Calling window"
        description="Default hours and days when campaigns may dial, in the customers' time zone."
        schema={CallingSettingsSchema}
        saved={settings.calling}
        onSave={(values) => save('calling', values)}
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

      <SectionForm
        title="Speech and LLM"
        description="Offline runs everything on this machine (flite voice, grammar recognition, scripted dialog). An OpenAI-compatible endpoint (OpenAI, Ollama, vLLM…) adds free speech and LLM dialog."
        schema={SpeechSettingsSchema}
        saved={settings.speech}
        onSave={(values) => save('speech', values)}
        extra={
          <div className="card__secrets">
            <SecretField
              name="speech.apiKey"
              label="Provider API key"
              hint="Leave unset for local servers that need none"
            />
          </div>
        }
      >
        {(d, update, errors) => (
          <div className="grid">
            <Field label="Provider" error={errors.provider}>
              {(id, by) => (
                <select
                  id={id}
                  aria-describedby={by}
                  value={d.provider}
                  onChange={(e) => update({ provider: e.target.value as 'local' | 'openai' })}
                >
                  <option value="local">Offline (on this machine)</option>
                  <option value="openai">OpenAI-compatible endpoint</option>
                </select>
              )}
            </Field>
            <Field
              label="Base URL"
              hint="e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1"
              error={errors.baseUrl}
            >
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  value={d.baseUrl}
                  onChange={(e) => update({ baseUrl: e.target.value })}
                />
              )}
            </Field>
            <Field label="LLM model" error={errors.llmModel}>
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  value={d.llmModel}
                  onChange={(e) => update({ llmModel: e.target.value })}
                />
              )}
            </Field>
            <Field label="Transcription model" error={errors.asrModel}>
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  value={d.asrModel}
                  onChange={(e) => update({ asrModel: e.target.value })}
                />
              )}
            </Field>
            <Field label="Speech model" error={errors.ttsModel}>
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  value={d.ttsModel}
                  onChange={(e) => update({ ttsModel: e.target.value })}
                />
              )}
            </Field>
            <Field label="Voice" error={errors.ttsVoice}>
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  value={d.ttsVoice}
                  onChange={(e) => update({ ttsVoice: e.target.value })}
                />
              )}
            </Field>
          </div>
        )}
      </SectionForm>

      <SectionForm
        title="Tunnel"
        description="How Exotel reaches this machine for callbacks and the voicebot stream."
        schema={TunnelSettingsSchema}
        saved={settings.tunnel}
        onSave={(values) => save('tunnel', values)}
        extra={
          <div className="card__secrets">
            <SecretField name="tunnel.ngrokAuthtoken" label="ngrok authtoken" />
          </div>
        }
      >
        {(d, update, errors) => (
          <div className="grid">
            <Field label="Tunnel provider" error={errors.provider}>
              {(id, by) => (
                <select
                  id={id}
                  aria-describedby={by}
                  value={d.provider}
                  onChange={(e) => update({ provider: e.target.value as 'ngrok' | 'manual' })}
                >
                  <option value="manual">My own public URL</option>
                  <option value="ngrok">ngrok</option>
                </select>
              )}
            </Field>
            <Field
              label="Public URL"
              hint="https://… that forwards to CallDeck's public surface"
              error={errors.publicUrl}
            >
              {(id, by) => (
                <input
                  id={id}
                  aria-describedby={by}
                  value={d.publicUrl}
                  onChange={(e) => update({ publicUrl: e.target.value })}
                />
              )}
            </Field>
          </div>
        )}
      </SectionForm>
      <TelephonyPanel />
    </div>
  );
}
