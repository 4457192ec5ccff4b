/**
 * Reads the hosts files the config names: /etc/hosts (unless no-hosts) and each addn-hosts file
 * or directory (files in name order). A missing or unreadable file is reported, not fatal, as in
 * dnsmasq.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HostsConfig } from '../config/types.js';
import { parseHosts, type HostsEntry } from '../config/hosts-file.js';

/** The system hosts file. */
export const SYSTEM_HOSTS = '/etc/hosts';

/** Reads every hosts file; `warn` receives one line per file that cannot be read. */
export function loadHosts(cfg: HostsConfig, warn: (msg: string) => void): HostsEntry[] {
  const files: string[] = cfg.systemHosts ? [SYSTEM_HOSTS] : [];
  for (const p of cfg.extra) {
    try {
      if (statSync(p).isDirectory()) {
        for (const n of readdirSync(p).sort()) if (statSync(join(p, n)).isFile()) files.push(join(p, n));
      } else files.push(p);
    } catch (err) {
      warn(`cannot read hosts ${p}: ${(err as Error).message}`);
    }
  }
  const out: HostsEntry[] = [];
  for (const f of files) {
    try {
      // One push per entry: spreading an ad-block list (10^5–10^6 lines) as arguments overflows the stack.
      for (const e of parseHosts(readFileSync(f, 'utf8'), f)) out.push(e);
    } catch (err) {
      warn(`cannot read hosts ${f}: ${(err as Error).message}`);
    }
  }
  return out;
}
