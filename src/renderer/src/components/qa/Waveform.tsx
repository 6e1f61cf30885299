import type React from 'react';
import { useEffect, useRef, useState } from 'react';
import WaveSurfer from 'wavesurfer.js';
import { ErrorBanner } from '../ErrorBanner';
import { adoptWaveSurferStyles } from './wavesurfer-styles';

const HEIGHT = 56;

export interface WaveformProps {
  /** Artifact URL of a WAV (see artifacts.ts). */
  url: string;
  /** Accessible name of the waveform and its audio element. */
  label: string;
  testId: string;
  color: string;
  /** The page drives playback through the real audio element (synced players, play from a turn). */
  onAudio: (audio: HTMLAudioElement | null) => void;
}

/**
 * One channel's waveform, drawn by wavesurfer.js over a real <audio> element the page owns, so
 * playback, seeking and tests all go through the media element. The element plays the artifact URL
 * itself (seekable by Range); wavesurfer fetches the same URL only to draw the peaks.
 */
export function Waveform({ url, label, testId, color, onAudio }: WaveformProps): React.JSX.Element {
  const container = useRef<HTMLDivElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const [error, setError] = useState<string>();
  const [ready, setReady] = useState(false);

  useEffect(() => {
    onAudio(audio.current);
    return () => onAudio(null);
  }, [onAudio]);

  useEffect(() => {
    const el = container.current;
    const media = audio.current;
    if (!el || !media) return;
    setError(undefined);
    setReady(false);
    const ws = WaveSurfer.create({
      container: el,
      media,
      url,
      height: HEIGHT,
      waveColor: color,
      progressColor: '#1f2937',
      cursorColor: '#dc2626',
      normalize: true,
      interact: true,
    });
    adoptWaveSurferStyles(ws, HEIGHT);
    const offReady = ws.on('ready', () => setReady(true));
    const offError = ws.on('error', (e) => setError(e.message));
    return () => {
      offReady();
      offError();
      ws.destroy();
    };
  }, [url, color]);

  return (
    <div className="waveform" data-testid={testId} data-ready={ready ? 'true' : 'false'}>
      <div ref={container} role="img" aria-label={`Waveform: ${label}`} />
      <audio ref={audio} src={url} controls preload="auto" aria-label={label} />
      {error && <ErrorBanner message={`${label}: ${error}`} onDismiss={() => setError(undefined)} />}
    </div>
  );
}
