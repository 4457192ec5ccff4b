/**
 * What /proc says about a process: whether it is alive and which user, group and supplementary
 * groups it runs with (to check the privilege drop), and the root/namespace checks the system
 * tests skip on.
 */
import { readFileSync } from 'node:fs';

/** Real, effective, saved and file-system IDs, and the supplementary groups. */
export interface ProcessIds {
  readonly uid: number[];
  readonly gid: number[];
  readonly groups: number[];
}

/** Reads the Uid:, Gid: and Groups: lines of /proc/PID/status. */
export function processIds(pid: number): ProcessIds {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => (new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  return { uid: field('Uid'), gid: field('Gid'), groups: field('Groups') };
}

/** True while a process with this PID exists and has not exited (signal 0 checks without signalling; a zombie waiting to be reaped counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone (every 50 ms, at most `timeoutMs`); returns whether it is. */
export async function waitGone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return !isAlive(pid);
}

/** A node:test skip reason unless the tests run as root. */
export function skipUnlessRoot(): false | string {
  return process.geteuid?.() === 0 ? false : 'needs root';
}
