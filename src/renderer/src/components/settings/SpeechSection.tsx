import type React from 'react';
import type { Settings } from '../../../../shared/settings';
import { Field } from '../Field';
import { SecretField } from '../SecretField';
import { SectionForm } from '../SectionForm';
import { SpeechSettingsSchema } from '../../../../shared/settings';

interface Props {
  saved: Settings['speech'];
  save: (values: Settings['speech']) => Promise<void>;
}

export function SpeechSection({ saved, save }: Props): React.JSX.Element {
  return (
    <SectionForm
      title="Speech and LLM"
      description="Offline runs everything on this machine (flite voice, grammar recognition, scripted dialog). An OpenAI-compatible endpoint (OpenAI, Ollama, vLLM…) adds free speech and LLM dialog."
      schema={SpeechSettingsSchema}
      saved={saved}
      onSave={save}
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
  );
}
