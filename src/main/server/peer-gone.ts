/**
 * A peer that went away (a closed tab, a reload, a media player seeking): routine, not worth a
 * warning. Anything else on a socket still is.
 */
export function isPeerGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED';
}
