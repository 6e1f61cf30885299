import type React from 'react';
import { useEffect, useState } from 'react';
import {
  BACKUP_JOB_KIND,
  BACKUP_PASSPHRASE_MIN,
  WIPE_WORD,
  type BackupResultInfo,
  type WipeResult,
} from '../../../../shared/data-care';
import type { JobInfo } from '../../../../shared/jobs';
import { api, errorMessage } from '../../api';
import { artifactPresent, downloadArtifact } from '../../artifacts';
import { ErrorBanner } from '../ErrorBanner';
import { Field } from '../Field';
import { useJobsStore, watchJobs } from '../../state/jobs-store';
import { backupToFollow } from './backup-follow';
import { RestoreCard } from './RestoreCard';
import { formatCount } from '../../format';

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** Backs up the data folder as a job and offers the archive for download. */
function BackupCard(): React.JSX.Element {
  /** The job as read when it started; later views come from the jobs store. */
  const [started, setStarted] = useState<JobInfo>();
  // The jobs store hears job.updated and reads the jobs again when pushes were lost (Api.onResync):
  // following it, a backup that ended while the bridge was down shows how it ended.
  const followed = useJobsStore((s) =>
    started ? [...s.running, ...s.recent].find((j) => j.id === started.id) : undefined,
  );
  const job = followed && started && followed.updatedAt >= started.updatedAt ? followed : started;
  // A backup begun elsewhere is followed as if started here (see backupToFollow). Set while
  // rendering, React's way to adopt a value, not in an effect.
  // Ended backups that began before this are not shown: the card's opening, then a dismissed failure.
  const [floor, setFloor] = useState(() => new Date().toISOString());
  const elsewhere = useJobsStore((s) => backupToFollow(s, job, floor));
  if (elsewhere) setStarted(elsewhere);
  // Another process's backup (the CLI on this data folder) sends no pushes here: its row is read.
  useEffect(() => watchJobs(BACKUP_JOB_KIND), []);
  const [error, setError] = useState<string>();
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');

  const start = async () => {
    setError(undefined);
    try {
      const { jobId } = await api().data.backup(passphrase === '' ? {} : { passphrase });
      setStarted(await api().jobs.get({ jobId }));
      setPassphrase('');
      setRepeat('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const [removed, setRemoved] = useState<string>();
  const result = job?.state === 'succeeded' ? (job.result as BackupResultInfo) : undefined;
  // The archive may have left the data folder since: `calldeck backup` copies it to its --out and
  // removes it here, another tab may have removed it. Asked once per archive shown.
  const [gone, setGone] = useState<string>();
  const artifactId = result?.artifact.id;
  useEffect(() => {
    if (!artifactId) return;
    let current = true;
    artifactPresent({ id: artifactId }).then(
      (present) => {
        if (current && !present) setGone(artifactId);
      },
      // Not known (the connection is down): the Download button stays; a failed download says so.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [artifactId]);
  const remove = async (artifactId: string) => {
    setError(undefined);
    try {
      await api().data.removeBackup({ artifactId });
      setRemoved(artifactId);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const running = job?.state === 'running';
  const passphraseProblem =
    passphrase === ''
      ? undefined
      : [...passphrase].length < BACKUP_PASSPHRASE_MIN
        ? `At least ${BACKUP_PASSPHRASE_MIN} characters`
        : repeat !== passphrase
          ? 'The two passphrases differ'
          : undefined;

  return (
    <section className="card" aria-labelledby="section-backup">
      <h2 id="section-backup">Backup</h2>
      <p className="card__description">
        One zip of the data folder, taken while CallDeck runs (campaigns may keep dialling): a consistent
        snapshot of the database, recordings, QA runs, the audit head and this install&apos;s secret file (the
        audit key is in it), with a SHA-256 for every file. Keep it as private as the folder.
      </p>
      <p className="card__description">
        With a passphrase, the secrets (audit key, Exotel token, API keys) travel sealed under it instead of
        in this install&apos;s own secret file, and the backup restores on any computer, with the same
        passphrase. Without it the backup cannot be restored: keep it somewhere safe.
      </p>
      <Field label="Passphrase (optional)" hint={`At least ${BACKUP_PASSPHRASE_MIN} characters`}>
        {(id, describedBy) => (
          <input
            id={id}
            type="password"
            autoComplete="new-password"
            aria-describedby={describedBy}
            value={passphrase}
            onChange={(e) => {
              setPassphrase(e.target.value);
              setError(undefined);
            }}
          />
        )}
      </Field>
      <Field label="Passphrase again" error={passphraseProblem}>
        {(id, describedBy) => (
          <input
            id={id}
            type="password"
            autoComplete="new-password"
            aria-describedby={describedBy}
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        )}
      </Field>
      <div className="form__actions">
        <button
          type="button"
          disabled={running || passphraseProblem !== undefined}
          onClick={() => void start()}
        >
          Back up now
        </button>
        {running && job && (
          <span className="status" role="status">
            Backing up… {mb(job.progress.done)}
            {job.progress.total ? ` of ${mb(job.progress.total)}` : ''}
          </span>
        )}
        {result && (
          <>
            <span className="status status--saved" role="status">
              Backup ready: {result.files} files, {mb(result.bytes)}
              {result.secretsSealed ? ', secrets sealed under the passphrase' : ''}.
            </span>
            {removed === result.artifact.id ? (
              <span className="status" role="status">
                Removed from the data folder.
              </span>
            ) : gone === result.artifact.id ? (
              <span className="status" role="status">
                No longer in the data folder (copied out by calldeck backup, or removed).
              </span>
            ) : (
              <>
                <button
                  type="button"
                  className="button--quiet"
                  onClick={() => downloadArtifact(result.artifact)}
                >
                  Download {result.artifact.name}
                </button>
                <button
                  type="button"
                  className="button--quiet"
                  onClick={() => void remove(result.artifact.id)}
                >
                  Remove from the data folder
                </button>
              </>
            )}
          </>
        )}
      </div>
      {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
      {!error && job?.error && (
        // Dismissed: the failed job is forgotten here (the Jobs tray keeps it).
        <ErrorBanner
          message={job.error.message}
          onDismiss={() => {
            setFloor(job.startedAt);
            setStarted(undefined);
          }}
        />
      )}
    </section>
  );
}

/** Wipes the data after two confirmations: the button, then the typed word. */
function WipeCard(): React.JSX.Element {
  const [step, setStep] = useState<'idle' | 'confirm'>('idle');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<WipeResult>();
  const [error, setError] = useState<string>();

  const wipe = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api().data.wipe({ confirm: WIPE_WORD }));
      setStep('idle');
      setTyped('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="section-wipe">
      <h2 id="section-wipe">Wipe data</h2>
      <p className="card__description">
        Deletes every contact list, call, campaign, recording, transcript, QA run and backup in this data
        folder. Kept: the audit log (the wipe is recorded in it first), settings and secrets, the Do-Not-Call
        register, your bots and QA suites, and the logs.
      </p>
      {step === 'idle' ? (
        <div className="form__actions">
          <button type="button" className="button--danger" onClick={() => setStep('confirm')}>
            Wipe data…
          </button>
        </div>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (typed === WIPE_WORD) void wipe();
          }}
        >
          <p className="banner banner--error" role="alert">
            This cannot be undone. Type {WIPE_WORD} to delete the data.
          </p>
          <label htmlFor="wipe-word">Type {WIPE_WORD} to confirm</label>
          <input
            id="wipe-word"
            value={typed}
            autoComplete="off"
            onChange={(e) => {
              setTyped(e.target.value);
              setError(undefined);
            }}
          />
          <div className="form__actions">
            <button type="submit" className="button--danger" disabled={busy || typed !== WIPE_WORD}>
              Delete the data
            </button>
            <button
              type="button"
              className="button--quiet"
              onClick={() => {
                setStep('idle');
                setTyped('');
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      {result && (
        <p className="status status--saved" role="status">
          Wiped: {formatCount(Object.values(result.rows).reduce((a, b) => a + b, 0))} rows
          {result.removed.length > 0 ? `, folders ${result.removed.join(', ')}` : ''}.
        </p>
      )}
      {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
    </section>
  );
}

/** Settings › Data: backup, restore, wipe (retention has its own form). */
export function DataCareSection(): React.JSX.Element {
  return (
    <>
      <BackupCard />
      <RestoreCard />
      <WipeCard />
    </>
  );
}
