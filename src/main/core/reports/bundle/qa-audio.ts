import fs from 'node:fs';
import type { Db } from '../../store';
import { qaRunsFiles } from '../export/qa-runs-file';

/** Where one channel of a QA scenario run's audio went in the bundle, or why it is not there. */
export type QaAudioEntry =
  | { channel: 'caller' | 'bot'; path: string; file: string }
  | { channel: 'caller' | 'bot'; path: null; missingAtExport: true }
  | { channel: 'caller' | 'bot'; path: null; refused: string };

export interface QaScenarioAudio {
  scenarioRunId: string;
  scenario: string;
  scenarioFile: string;
  caller: string;
  repeat: number;
  verdict: string;
  recordings: QaAudioEntry[];
}

/** Safe as a file name inside the zip (scenario run ids are uuids; never trust that blindly). */
const fileSafe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);

/**
 * A QA run's scenario runs with their caller and bot audio (artifacts under the data folder's
 * qa/runs): each file to copy under recordings/qa/, or said missing (retention took it) or refused
 * (a path outside qa/runs must not pull another file into a bundle that leaves the machine).
 */
export function qaRunAudio(db: Db, dataDir: string, runId: string): QaScenarioAudio[] {
  const resolve = qaRunsFiles(dataDir);
  const rows = db
    .prepare<
      [string],
      {
        id: string;
        scenario: string;
        scenarioFile: string;
        caller: string;
        repeat: number;
        verdict: string;
        callerId: string | null;
        callerRel: string | null;
        botId: string | null;
        botRel: string | null;
      }
    >(
      `SELECT s.id, s.scenario_name AS scenario, s.scenario_file AS scenarioFile, s.caller, s.repeat, s.verdict,
              s.caller_audio AS callerId, c.rel_path AS callerRel, s.bot_audio AS botId, b.rel_path AS botRel
       FROM qa_scenario_runs s
       LEFT JOIN artifacts c ON c.id = s.caller_audio
       LEFT JOIN artifacts b ON b.id = s.bot_audio
       WHERE s.run_id = ? ORDER BY s.seq`,
    )
    .all(runId);
  return rows.map((r) => {
    const recordings: QaAudioEntry[] = [];
    for (const [channel, id, rel] of [
      ['caller', r.callerId, r.callerRel],
      ['bot', r.botId, r.botRel],
    ] as const) {
      if (id === null) continue; // no audio was recorded for this channel
      const found = rel === null ? null : resolve(rel);
      if (found === null || !fs.existsSync(found.file)) {
        recordings.push({ channel, path: null, missingAtExport: true });
        continue;
      }
      const { file, inside } = found;
      if (!inside) {
        recordings.push({ channel, path: null, refused: 'outside the QA runs folder' });
        continue;
      }
      recordings.push({ channel, path: `recordings/qa/${fileSafe(r.id)}-${channel}.wav`, file });
    }
    return {
      scenarioRunId: r.id,
      scenario: r.scenario,
      scenarioFile: r.scenarioFile,
      caller: r.caller,
      repeat: r.repeat,
      verdict: r.verdict,
      recordings,
    };
  });
}
