/**
 * Reads the hosts files the config names: /etc/hosts (unless no-hosts) and each addn-hosts file
 * or directory (files in name order). A missing or unreadable file is reported, not fatal, as in
 * dnsmasq.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HostsConfig } from '../config/types.js';
import { hostsEntries, type HostsEntry } from '../config/hosts-file.js';

/** The system hosts file. */
export const SYSTEM_HOSTS = '/etc/hosts';

/**
 * The entries of every hosts file, file by file and line by line (buildZone takes them as they
 * come); `warn` receives one line per file that cannot be read.
 */
export function* readHosts(cfg: HostsConfig, warn: (msg: string) => void): Generator<HostsEntry> {
  const files: string[] = cfg.systemHosts ? [SYSTEM_HOSTS] : [];
  for (const p of cfg.extra) {
    try {
      if (statSync(p).isDirectory()) {
        for (const f of readdirSync(p).sort().map((n) => join(p, n))) if (statSync(f).isFile()) files.push(f);
      } else files.push(p);
    } catch (err) {
      warn(`cannot read hosts ${p}: ${(err as Error).message}`);
    }
  }
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (err) {
      warn(`cannot read hosts ${f}: ${(err as Error).message}`);
      continue;
    }
    yield* hostsEntries(text, f);
  }
}
