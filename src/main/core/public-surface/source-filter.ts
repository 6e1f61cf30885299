import type http from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { Logger } from '../logging';

/**
 * Which callers the callback routes and the voicebot stream accept, when the operator restricts them to Exotel's source
 * ranges (Exotel publishes none: its docs say to ask support for the current list, so the operator
 * enters them). Exotel behind a tunnel arrives from the tunnel's local agent (loopback) with
 * X-Forwarded-For; that header is trusted only then, and only its last entry (the one the tunnel
 * added: earlier entries are whatever the sender wrote). A loopback request without the header is
 * this machine itself (the in-process sandbox, local tools) and is let through.
 */
export interface SourceRestriction {
  enabled: boolean;
  /** CIDR ranges or single addresses, IPv4 or IPv6 (validated by the settings schema). */
  allowed: readonly string[];
}

export type SourceCheck = { ok: true } | { ok: false; source: string; why: string };

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `::ffff:1.2.3.4` (a v4 peer on a dual-stack socket) is 1.2.3.4; `[v6]:port` and `v4:port` lose the port. */
function plain(address: string): string {
  const a =
    /^\[([^\]]+)\](?::\d+)?$/.exec(address)?.[1] ??
    /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(address)?.[1] ??
    address;
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a)?.[1] ?? a;
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

function contains(list: BlockList, address: string): boolean {
  const f = family(address);
  return f !== undefined && list.check(address, f);
}

/** Builds the allow list; entries that are not addresses or ranges are skipped (the schema refuses them). */
export function compileRanges(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [address = '', prefix] = range.trim().split('/');
    const f = family(address);
    if (!f) continue;
    if (prefix === undefined) list.addAddress(address, f);
    else list.addSubnet(address, Number(prefix), f);
  }
  return list;
}

/** The address a request really comes from, as far as we can trust it. */
export function requestSource(req: http.IncomingMessage): { address: string; viaTunnel: boolean } {
  const peer = plain(req.socket.remoteAddress ?? '');
  if (!contains(LOOPBACK, peer)) return { address: peer, viaTunnel: false };
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  const last = plain(forwarded.at(-1)?.trim() ?? '');
  return last === '' ? { address: peer, viaTunnel: false } : { address: last, viaTunnel: true };
}

/** This machine itself: a loopback peer that did not come through the tunnel (no X-Forwarded-For). */
export function isLocalRequest(req: http.IncomingMessage): boolean {
  const { address, viaTunnel } = requestSource(req);
  return !viaTunnel && contains(LOOPBACK, address);
}

/** Checks one request against the restriction read now (settings may change while we run). */
export function checkSource(req: http.IncomingMessage, allowed: BlockList): SourceCheck {
  const { address, viaTunnel } = requestSource(req);
  if (!viaTunnel && contains(LOOPBACK, address)) return { ok: true };
  if (contains(allowed, address)) return { ok: true };
  return {
    ok: false,
    source: address.slice(0, 64),
    why: viaTunnel ? 'forwarded source is not an allowed range' : 'source is not an allowed range',
  };
}

/**
 * The public surface's hook: true to serve the request. Reads the restriction on every request
 * (cheap: the compiled list is kept until the ranges change) and logs what it refuses.
 */
export function sourceFilter(
  restriction: () => SourceRestriction,
  log: Logger,
): (req: http.IncomingMessage) => boolean {
  let compiledFor = '';
  let compiled = new BlockList();
  return (req) => {
    const r = restriction();
    if (!r.enabled) return true;
    const key = r.allowed.join(',');
    if (key !== compiledFor) {
      compiled = compileRanges(r.allowed);
      compiledFor = key;
    }
    const check = checkSource(req, compiled);
    if (!check.ok) log.warn('public request refused by source', { source: check.source, why: check.why });
    return check.ok;
  };
}
