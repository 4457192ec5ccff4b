/**
 * resolv.conf as a source of default upstreams (reference §1.7): only `nameserver` (or `server`)
 * lines whose second token is an IPv4 or IPv6[%scope] literal count; the port is always 53;
 * everything else is ignored.
 */
import { isIP } from 'node:net';
import type { UpstreamSpec } from './types.js';

/** Parses resolv.conf text into upstream specs, in file order. */
export function parseResolvConf(text: string, file: string): UpstreamSpec[] {
  const out: UpstreamSpec[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const tokens = raw.trim().split(/\s+/);
    if ((tokens[0] !== 'nameserver' && tokens[0] !== 'server') || tokens[1] === undefined) return;
    const addr = tokens[1];
    const fam = isIP(addr.split('%')[0]!);
    if (fam === 0 || addr === '0.0.0.0') return;
    out.push({ address: addr, family: fam as 4 | 6, port: 53, sourceAddress: null, sourcePort: null, device: null, origin: { file, line: i + 1 } });
  });
  return out;
}
