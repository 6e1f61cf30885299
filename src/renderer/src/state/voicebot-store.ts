import { create } from 'zustand';
import type { TranscriptLine, VoicebotSessionDetail } from '../../../shared/voicebot';
import { api, errorMessage } from '../api';

interface VoicebotState {
  /** The call whose bot sessions are shown (the Calls page's selection). */
  attemptId?: string;
  sessions: VoicebotSessionDetail[];
  error?: string;
  show: (attemptId: string | undefined) => Promise<void>;
}

export const useVoicebotStore = create<VoicebotState>((set, get) => ({
  sessions: [],
  async show(attemptId) {
    set({ attemptId, sessions: [], error: undefined });
    if (!attemptId) return;
    try {
      const list = await api().voicebot.sessions({ attemptId, limit: 20 });
      const sessions = await Promise.all(list.map((s) => api().voicebot.session({ id: s.id })));
      if (get().attemptId === attemptId) set({ sessions: sessions.reverse() });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
}));

const appendLine = (detail: VoicebotSessionDetail, line: TranscriptLine): VoicebotSessionDetail =>
  detail.lines.some((l) => l.seq === line.seq) ? detail : { ...detail, lines: [...detail.lines, line] };

let subscribed = false;
/** Live transcript: lines arrive as the bot hears and speaks; a finished session is re-read whole. */
export function startVoicebotFeed(): void {
  if (subscribed) return;
  subscribed = true;
  const refresh = (attemptId: string | null) => {
    const current = useVoicebotStore.getState().attemptId;
    if (attemptId && attemptId === current) void useVoicebotStore.getState().show(current);
  };
  api().on('voicebot.sessionStarted', ({ attemptId }) => refresh(attemptId));
  api().onResync(() => refresh(useVoicebotStore.getState().attemptId ?? null));
  api().on('voicebot.sessionEnded', ({ attemptId }) => refresh(attemptId));
  api().on('voicebot.turn', ({ sessionId, attemptId, line }) =>
    useVoicebotStore.setState((s) =>
      attemptId !== s.attemptId
        ? s
        : { sessions: s.sessions.map((d) => (d.session.id === sessionId ? appendLine(d, line) : d)) },
    ),
  );
}
