/** Artifacts: files the app produced, registered by id and served to the page as streams. */
export { Artifacts, toRef, type NewArtifact } from './artifact-store';
export { serveArtifact, contentDisposition, type ArtifactRequest, type ArtifactResponse } from './serve';
export { parseRange, type ByteRange, type RangeRequest } from './range';
export { UnsafeArtifactPath } from './safe-path';
