/**
 * User and group look-ups for the privilege drop. Node has no getpwnam, so the files
 * /etc/passwd and /etc/group are read first, and `getent` (which asks NSS: LDAP, systemd-userdb,
 * …) is the fallback for accounts those files do not list.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A user account: its name, ID and primary group ID. */
export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** A group: its name and ID. */
export interface Group {
  readonly name: string;
  readonly gid: number;
}

/** Fields of the first line whose name (field 0) or numeric ID (field 2) is `key`. */
function findLine(text: string, key: string): string[] | null {
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#')) continue;
    if (f[0] === key || (/^\d+$/.test(key) && f[2] === key)) return f;
  }
  return null;
}

/** Finds a user by name or numeric ID in passwd-format text (`name:x:uid:gid:…`). */
export function findUser(passwd: string, key: string): Account | null {
  const f = findLine(passwd, key);
  if (!f || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3] ?? '')) return null;
  return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) };
}

/** Finds a group by name or numeric ID in group-format text (`name:x:gid:members`). */
export function findGroup(groups: string, key: string): Group | null {
  const f = findLine(groups, key);
  if (!f || !/^\d+$/.test(f[2]!)) return null;
  return { name: f[0]!, gid: Number(f[2]) };
}

/** A file's text, or '' when it cannot be read. */
function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** `getent DATABASE KEY` output, or '' when the key is unknown or getent is missing. */
function getent(database: 'passwd' | 'group', key: string): string {
  try {
    return execFileSync('getent', [database, key], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** Looks a user up by name or ID: /etc/passwd, then NSS through getent. */
export function lookupUser(key: string): Account | null {
  return findUser(readOrEmpty('/etc/passwd'), key) ?? findUser(getent('passwd', key), key);
}

/** Looks a group up by name or ID: /etc/group, then NSS through getent. */
export function lookupGroup(key: string): Group | null {
  return findGroup(readOrEmpty('/etc/group'), key) ?? findGroup(getent('group', key), key);
}
