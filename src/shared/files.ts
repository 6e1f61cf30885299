/**
 * A file handed to CallDeck (dropped or picked in the UI) and staged by the host: by path under
 * Electron, by upload to the headless host. Api methods that read files take its `id`; the renderer
 * never parses files itself.
 */
export interface StagedFile {
  id: string;
  name: string;
  size: number;
}

/** What the renderer can pass to `files.stage`: a DOM File (Blob with a name). */
export type FileLike = Blob & { readonly name: string };

export const UPLOAD_PATH = '/upload';
export const UPLOAD_TOKEN_HEADER = 'x-calldeck-token';
