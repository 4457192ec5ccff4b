/**
 * Dropping root (`user=`, `group=`, as in dnsmasq): started as root, fandns binds every socket and
 * opens its log files, then runs as an unprivileged account. Supplementary groups are cleared and
 * the group is set while still root, then the user; the result is checked, so a switch that did
 * not fully happen stops start-up instead of running half-privileged.
 */
import { chownSync } from 'node:fs';
import { ExitCode, FandnsError } from '../errors.js';
import type { LogTarget, ProcessConfig } from '../config/types.js';
import { lookupGroup, lookupUser, type Account, type Group } from './accounts.js';

/** The account to become. */
export interface Credentials {
  readonly user: string;
  readonly uid: number;
  readonly group: string;
  readonly gid: number;
}

/** An unknown account (exit 1, as dnsmasq) or a switch that failed (exit 5). */
export class PrivilegeError extends FandnsError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super('FANDNS_PRIVILEGES', message);
    this.name = 'PrivilegeError';
    this.exitCode = exitCode;
  }
}

/** How accounts are found (the system database; tests pass their own). */
export interface AccountLookup {
  user(key: string): Account | null;
  group(key: string): Group | null;
}

const SYSTEM_LOOKUP: AccountLookup = { user: lookupUser, group: lookupGroup };

/**
 * Whom to switch to, or null when there is nothing to do: the process is not root, or the user
 * is root itself. Throws PrivilegeError for an unknown user or group (dnsmasq's message).
 */
export function planPrivilegeDrop(p: ProcessConfig, euid: number | undefined = process.geteuid?.(), lookup: AccountLookup = SYSTEM_LOOKUP): Credentials | null {
  if (euid !== 0) return null;
  const account = lookup.user(p.user);
  if (!account) throw new PrivilegeError(`unknown user or group: ${p.user}`, ExitCode.CONFIG);
  if (account.uid === 0) return null;
  const group = p.group === null ? (lookup.group(String(account.gid)) ?? { name: String(account.gid), gid: account.gid }) : lookup.group(p.group);
  if (!group) throw new PrivilegeError(`unknown user or group: ${p.group}`, ExitCode.CONFIG);
  return { user: account.name, uid: account.uid, group: group.name, gid: group.gid };
}

/** Hands a log file to the account (dnsmasq does the same), so that SIGUSR2 can reopen it. */
export function handOverLog(target: LogTarget, c: Credentials): void {
  if (target.kind === 'file') chownSync(target.path, c.uid, c.gid);
}

/** Switches to the account for good: no supplementary groups, then the group, then the user. */
export function dropPrivileges(c: Credentials): void {
  const fail = (why: string) => new PrivilegeError(`cannot switch to user ${c.user} and group ${c.group}: ${why}`, ExitCode.OTHER);
  try {
    process.setgroups!([]);
    process.setgid!(c.gid);
    process.setuid!(c.uid);
  } catch (err) {
    throw fail((err as Error).message);
  }
  const ids = [process.getuid!(), process.geteuid!(), process.getgid!(), process.getegid!()];
  if (ids.join() !== [c.uid, c.uid, c.gid, c.gid].join() || process.getgroups!().some((g) => g !== c.gid)) {
    throw fail(`still running as uid ${ids[0]}/${ids[1]}, gid ${ids[2]}/${ids[3]}`);
  }
}
