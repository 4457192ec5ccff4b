/**
 * Reads the hosts files the config names: /etc/hosts (unless no-hosts), each addn-hosts file or
 * directory, and each hostsdir directory (files in name order; in hostsdir, as dnsmasq 2.90 does,
 * not dotfiles or editor leftovers: `name~`, `#name#`). A missing or unreadable file is reported,
 * not fatal, as in dnsmasq.
 */
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { HostsConfig } from '../config/types.js';
import { hostsEntries, type HostsEntry } from '../config/hosts-file.js';
import { listingSignature } from '../util/file-signature.js';

/** The system hosts file. */
export const SYSTEM_HOSTS = '/etc/hosts';

/** True for a file name a hostsdir skips: a dotfile, an emacs backup (`x~`) or autosave (`#x#`). */
export function hostsDirSkips(name: string): boolean {
  return name === '' || name.startsWith('.') || name.endsWith('~') || (name.startsWith('#') && name.endsWith('#'));
}

/** The regular files of `dir` in name order, without the names `skip` rejects, with their stats. */
function listFiles(dir: string, skip: (name: string) => boolean): { name: string; stats: Stats }[] {
  const out: { name: string; stats: Stats }[] = [];
  for (const n of readdirSync(dir).sort()) {
    if (skip(n)) continue;
    const stats = statSync(join(dir, n), { throwIfNoEntry: false });
    if (stats?.isFile()) out.push({ name: n, stats });
  }
  return out;
}

/** The regular files of `dir` in name order, without the names `skip` rejects. */
function filesIn(dir: string, skip: (name: string) => boolean): string[] {
  return listFiles(dir, skip).map((f) => join(dir, f.name));
}

/**
 * What hostsdir `dir` holds now (its files' names, inodes, sizes and times: util/file-signature.ts),
 * or null when it cannot be listed: ConfigFilesWatch compares it with what a runtime read.
 */
export function hostsDirSignature(dir: string): string | null {
  try {
    return listingSignature(listFiles(dir, hostsDirSkips));
  } catch {
    return null;
  }
}

/**
 * The entries of every hosts file, file by file and line by line (buildZone takes them as they
 * come); `warn` receives one line per file that cannot be read. `dirsSeen`, when given, gets each
 * hostsdir's signature (hostsDirSignature) as it was listed.
 */
export function* readHosts(cfg: HostsConfig, warn: (msg: string) => void, dirsSeen?: Map<string, string | null>): Generator<HostsEntry> {
  const files: string[] = cfg.systemHosts ? [SYSTEM_HOSTS] : [];
  for (const p of cfg.extra) {
    try {
      if (statSync(p).isDirectory()) files.push(...filesIn(p, () => false));
      else files.push(p);
    } catch (err) {
      warn(`cannot read hosts ${p}: ${(err as Error).message}`);
    }
  }
  for (const d of cfg.dirs) {
    dirsSeen?.set(d, null);
    try {
      const listed = listFiles(d, hostsDirSkips);
      dirsSeen?.set(d, listingSignature(listed));
      files.push(...listed.map((f) => join(d, f.name)));
    } catch (err) {
      warn(`cannot read hostsdir ${d}: ${(err as Error).message}`);
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
