import { parseExotelTimestamp } from '../exotel/wire';
import type { SandboxCall } from './call';

/**
 * The bulk call-details API's filters, as the sandbox applies them: `Sid`, `From` and `To`
 * (comma-separated; both name the customer's number, which is what Exotel's docs call each of them
 * for calls placed through connect), `Status`, and `DateCreated` with `gte:` / `lte:` joined by `;`.
 */
export function matchesFilters(call: SandboxCall, q: URLSearchParams): boolean {
  const list = (name: string) =>
    q
      .get(name)
      ?.split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  const sids = list('Sid');
  if (sids && !sids.includes(call.sid)) return false;
  for (const name of ['From', 'To']) {
    const numbers = list(name);
    if (numbers && !numbers.includes(call.from)) return false;
  }
  const statuses = list('Status');
  if (statuses && !statuses.includes(call.status)) return false;
  const created = q.get('DateCreated');
  if (created) {
    for (const part of created.split(';')) {
      const m = /^(gte|lte):(.+)$/.exec(part.trim());
      if (!m?.[2]) continue;
      const at = parseExotelTimestamp(m[2]);
      if (Number.isNaN(at)) continue;
      // Exotel's timestamps have whole seconds: compare at that grain.
      const own = Math.floor(call.created / 1000) * 1000;
      if (m[1] === 'gte' ? own < at : own > at) return false;
    }
  }
  return true;
}
