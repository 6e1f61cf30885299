import { z } from 'zod';

/**
 * Files the app produces (recordings, reject files, exports) reach the page as artifacts: the Api
 * returns an ArtifactRef, the page loads its bytes from a URL by id (never base64 in a reply, never a
 * path). `calldeck serve` answers `GET /artifacts/<id>?token=…`; Electron answers `artifact://local/<id>`.
 */
export const ARTIFACT_HTTP_PATH = '/artifacts/';
export const ARTIFACT_SCHEME = 'artifact';
/** The fixed host of artifact: URLs (a standard scheme lower-cases hosts, so the id is in the path). */
export const ARTIFACT_HOST = 'local';
/** Query flag asking for `Content-Disposition: attachment` (a download rather than inline playback). */
export const ARTIFACT_DOWNLOAD_PARAM = 'download';

export const ARTIFACT_KINDS = ['recording', 'reject_file', 'export'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/** Artifact ids are random UUIDs: lower-case hex and dashes, nothing a path could hide in. */
export const ArtifactIdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export interface ArtifactRef {
  id: string;
  kind: ArtifactKind;
  /** File name offered for downloads. */
  name: string;
  mime: string;
  /** Bytes when it was registered (a recording still being written grows). */
  size: number;
  createdAt: string;
}
