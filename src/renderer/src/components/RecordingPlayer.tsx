import type React from 'react';
import { useState } from 'react';
import { RECORDING_CHANNELS, type RecordingChannel } from '../../../shared/voicebot';
import { api, errorMessage } from '../api';
import { artifactUrl } from '../artifacts';
import { ErrorBanner } from './ErrorBanner';

const LABEL: Record<RecordingChannel, string> = {
  mix: 'Both sides (stereo)',
  caller: 'Caller only',
  bot: 'Bot only',
};

/** Plays one channel of a session's recording, streamed from its artifact URL (seekable, never base64). */
export function RecordingPlayer({ sessionId }: { sessionId: string }): React.JSX.Element {
  const [channel, setChannel] = useState<RecordingChannel | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (c: RecordingChannel) => {
    setChannel(c);
    setUrl(null);
    setError(null);
    try {
      const audio = await api().voicebot.recording({ sessionId, channel: c });
      setUrl(artifactUrl(audio.artifact));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="recording" data-testid="recording">
      <span className="muted">Recording:</span>
      {RECORDING_CHANNELS.map((c) => (
        <button
          key={c}
          type="button"
          className={c === channel ? undefined : 'button--quiet'}
          aria-pressed={c === channel}
          onClick={() => void load(c)}
        >
          {LABEL[c]}
        </button>
      ))}
      {url && <audio controls src={url} data-testid="recording-audio" />}
      {error && <ErrorBanner message={error} onDismiss={() => setError(null)} />}
    </div>
  );
}
