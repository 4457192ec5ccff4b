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

/** Parses hosts text; lines whose first token is not an address are skipped. */
export function parseHosts(text: string, file: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const tokens = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (tokens.length < 2) return;
    const [address, ...names] = tokens;
    const addr = address!.split('%')[0]!;
    if (isIP(addr) === 0) return;
    const valid = names.map(canonicalName).filter((n) => n !== '' && n.length <= 253 && n.split('.').every((l) => l.length > 0 && l.length <= 63));
    if (valid.length) out.push({ address: addr, names: valid, file, line: i + 1 });
  });
  return out;
}
