/**
 * The hosts file format (hosts(5)): `address name [alias…]`, `#` comments. Pure parsing; reading
 * the files happens at start-up and on SIGHUP (src/local/hosts-loader.ts).
 */
import { isIP } from 'node:net';
import { canonicalName } from '../wire/name.js';

/** One hosts line: an address and its names, first name first. */
export interface HostsEntry {
  readonly address: string;
  readonly names: readonly string[];
  readonly file: string;
  readonly line: number;
}

/** One hosts line's entry, or null for a line without one (comment, blank, no address, no valid name). */
function parseLine(raw: string, file: string, line: number): HostsEntry | null {
  const tokens = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
  if (tokens.length < 2) return null;
  const [address, ...names] = tokens;
  const addr = address!.split('%')[0]!;
  if (isIP(addr) === 0) return null;
  const valid = names.map(canonicalName).filter((n) => n !== '' && n.length <= 253 && n.split('.').every((l) => l.length > 0 && l.length <= 63));
  return valid.length ? { address: addr, names: valid, file, line } : null;
}

/**
 * The entries of hosts text, one line at a time; lines whose first token is not an address are
 * skipped. A block list of 10^5–10^6 lines is never held as an array of lines or of entries (its
 * consumer keeps only what it builds).
 */
export function* hostsEntries(text: string, file: string): Generator<HostsEntry> {
  let line = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    const e = parseLine(raw, file, ++line);
    if (e !== null) yield e;
  }
}
