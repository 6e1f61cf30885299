import {
  ARTIFACT_DOWNLOAD_PARAM,
  ARTIFACT_HOST,
  ARTIFACT_HTTP_PATH,
  ARTIFACT_SCHEME,
  type ArtifactRef,
} from '../../shared/artifacts';
import { BRIDGE_TOKEN_PARAM } from '../../shared/api/bridge-protocol';
import { bridgeToken } from './bridge/install';

/**
 * Where the page loads a produced file from, in either host: the desktop app's `artifact:` protocol,
 * or the headless host's token-guarded `/artifacts/<id>` (the token this tab was opened with).
 */
export function artifactUrl(artifact: Pick<ArtifactRef, 'id'>, options: { download?: boolean } = {}): string {
  const id = encodeURIComponent(artifact.id);
  const query = new URLSearchParams();
  if (options.download) query.set(ARTIFACT_DOWNLOAD_PARAM, '1');
  if (typeof window.calldeckIpc !== 'undefined') {
    const q = query.toString();
    return `${ARTIFACT_SCHEME}://${ARTIFACT_HOST}/${id}${q ? `?${q}` : ''}`;
  }
  query.set(BRIDGE_TOKEN_PARAM, bridgeToken() ?? '');
  return `${window.location.origin}${ARTIFACT_HTTP_PATH}${id}?${query.toString()}`;
}

/** Saves an artifact as a file (the browser's download, or Electron's save dialog). */
export function downloadArtifact(artifact: ArtifactRef): void {
  const a = document.createElement('a');
  a.href = artifactUrl(artifact, { download: true });
  a.download = artifact.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Whether the app still holds an artifact (false: it was removed, e.g. a backup the CLI copied out). */
export async function artifactPresent(artifact: Pick<ArtifactRef, 'id'>): Promise<boolean> {
  const res = await fetch(artifactUrl(artifact), { method: 'HEAD' });
  return res.status !== 404;
}
