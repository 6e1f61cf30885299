import type React from 'react';
import { useEffect, useState } from 'react';
import type { ArtifactRef } from '../../../../shared/artifacts';
import { BACKUP_JOB_KIND, type RestoreRequest, type RestoreResultInfo } from '../../../../shared/data-care';
import type { JobInfo } from '../../../../shared/jobs';
import { api, errorMessage, fieldErrors } from '../../api';
import { useJobsStore } from '../../state/jobs-store';
import { formatCount } from '../../format';
import { ErrorBanner } from '../ErrorBanner';
import { Field } from '../Field';

const UPLOAD = 'upload';
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** What a finished restore says: where the copy is, how to open it, what happened to its campaigns. */
function Restored({ r }: { r: RestoreResultInfo }): React.JSX.Element {
  return (
    <div className="status status--saved" role="status" aria-label="Restore result">
      <p>
        Restored {formatCount(r.files)} files ({mb(r.bytes)}) of {r.archive} into {r.target}: database intact,
        audit log verified ({formatCount(r.auditRows)} rows).
      </p>
      <p>
        Open it: <code>{r.open.serve}</code>, or the desktop app with <code>{r.open.desktop}</code> set. This
        install keeps running on its own folder.
      </p>
      {r.pausedCampaigns.map((c) => (
        <p key={c.id}>
          Paused campaign {c.name} ({c.id}) in the copy: it was running when the backup was taken. Resume it
          there only if the copy should dial, not this install.
        </p>
      ))}
      {r.scheduledCampaigns.map((c) => (
        <p key={c.id}>
          Campaign {c.name} ({c.id}) is scheduled{c.startAt ? ` for ${c.startAt}` : ''}: CallDeck started on
          the copy will dial it then. Cancel it there if this install should dial it.
        </p>
      ))}
    </div>
  );
}

/**
 * Settings › Data › Restore: a backup (uploaded, or one of this install's) into a new, empty
 * folder on the computer CallDeck runs on, as `calldeck restore` does, as a job (progress, cancel,
 * the Jobs tray). Refusals of the folder are shown on its field; the archive's, on the form.
 */
export function RestoreCard(): React.JSX.Element {
  const [backups, setBackups] = useState<ArtifactRef[]>([]);
  const [source, setSource] = useState<string>(UPLOAD);
  const [file, setFile] = useState<File>();
  const [target, setTarget] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [targetError, setTargetError] = useState<string>();
  const [started, setStarted] = useState<JobInfo>();
  const followed = useJobsStore((s) =>
    started ? [...s.running, ...s.recent].find((j) => j.id === started.id) : undefined,
  );
  const job = followed && started && followed.updatedAt >= started.updatedAt ? followed : started;
  // A backup that ends while the card is open joins the list to restore from.
  const backupsDone = useJobsStore(
    (s) => s.recent.filter((j) => j.kind === BACKUP_JOB_KIND && j.state === 'succeeded').length,
  );
  useEffect(() => {
    let current = true;
    api()
      .data.backups({})
      .then(
        (list) => {
          if (current) setBackups(list);
        },
        (err: unknown) => {
          if (current) setError(errorMessage(err));
        },
      );
    return () => {
      current = false;
    };
  }, [backupsDone]);

  const running = busy || job?.state === 'running';
  const restore = async () => {
    setError(undefined);
    setTargetError(undefined);
    setBusy(true);
    try {
      let archive: RestoreRequest['archive'];
      if (source === UPLOAD) {
        if (!file) throw new Error('Choose the backup archive to upload');
        archive = { kind: 'upload', fileId: (await api().files.stage(file)).id };
      } else archive = { kind: 'backup', artifactId: source };
      const { jobId } = await api().data.restore({
        archive,
        target: target.trim(),
        ...(passphrase === '' ? {} : { passphrase }),
      });
      setStarted(await api().jobs.get({ jobId }));
      setPassphrase('');
    } catch (err) {
      const onTarget = fieldErrors(err, '').target;
      if (onTarget) setTargetError(onTarget);
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const result = job?.state === 'succeeded' ? (job.result as RestoreResultInfo) : undefined;

  return (
    <section className="card" aria-labelledby="section-restore">
      <h2 id="section-restore">Restore</h2>
      <p className="card__description">
        A backup is restored into a new, empty folder on the computer CallDeck runs on, checked before
        anything in it is used (every file against its SHA-256, the database&apos;s integrity, the audit chain
        with its key). This install keeps running on its own folder; the copy is opened on its own afterwards.
        Campaigns that were running in the backup are paused in the copy.
      </p>
      <form
        aria-label="Restore a backup"
        onSubmit={(e) => {
          e.preventDefault();
          void restore();
        }}
      >
        <Field label="Backup archive">
          {(id, describedBy) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={source}
              onChange={(e) => {
                setSource(e.target.value);
                setError(undefined);
              }}
            >
              <option value={UPLOAD}>Upload an archive…</option>
              {backups.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name} ({mb(b.size)})
                </option>
              ))}
            </select>
          )}
        </Field>
        {source === UPLOAD && (
          <Field label="Archive file" hint="A calldeck-backup-….zip made by Back up now or calldeck backup">
            {(id, describedBy) => (
              <input
                id={id}
                type="file"
                accept=".zip,application/zip"
                aria-describedby={describedBy}
                onChange={(e) => {
                  setFile(e.target.files?.[0]);
                  setError(undefined);
                }}
              />
            )}
          </Field>
        )}
        <Field
          label="New folder to restore into"
          hint="The full path of a folder that does not exist yet, or is empty, outside this data folder"
          error={targetError}
        >
          {(id, describedBy) => (
            <input
              id={id}
              value={target}
              spellCheck={false}
              autoComplete="off"
              placeholder="/home/me/calldeck-restored"
              aria-describedby={describedBy}
              onChange={(e) => {
                setTarget(e.target.value);
                setTargetError(undefined);
              }}
            />
          )}
        </Field>
        <Field label="Backup passphrase" hint="Only for a backup made with a passphrase">
          {(id, describedBy) => (
            <input
              id={id}
              type="password"
              autoComplete="off"
              aria-describedby={describedBy}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
            />
          )}
        </Field>
        <div className="form__actions">
          <button type="submit" disabled={running || target.trim() === ''}>
            Restore
          </button>
          {job?.state === 'running' && (
            <>
              <span className="status" role="status">
                Restoring… {formatCount(job.progress.done)}
                {job.progress.total ? ` of ${formatCount(job.progress.total)}` : ''} files
              </span>
              <button
                type="button"
                className="button--quiet"
                onClick={() => void useJobsStore.getState().cancel(job.id)}
              >
                Cancel restore
              </button>
            </>
          )}
        </div>
      </form>
      {result && <Restored r={result} />}
      <p className="card__description">
        From the command line:{' '}
        <code>calldeck restore ARCHIVE --data NEW_FOLDER [--passphrase-file FILE]</code>. A backup made by the
        desktop app without a passphrase holds its secrets encrypted with that computer&apos;s keychain: it
        restores on that computer and user account only.
      </p>
      {error && <ErrorBanner message={error} onDismiss={() => setError(undefined)} />}
      {!error && job?.error && (
        <ErrorBanner message={`Not restored: ${job.error.message}`} onDismiss={() => setStarted(undefined)} />
      )}
    </section>
  );
}
