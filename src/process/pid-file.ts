/**
 * `pid-file=`: the process ID for scripts that signal fandns (`kill -HUP $(cat /run/fandns.pid)`).
 * Written as dnsmasq 2.90 writes its own: any file at the path is removed first and the new one is
 * created exclusively (so a symlink planted there is never followed), mode 0644, and handed to the
 * unprivileged user before root is dropped. It is removed on exit when it still holds our PID and
 * the folder lets the (possibly unprivileged) process remove it.
 */
import { closeSync, fchownSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import type { Credentials } from './privileges.js';

/** Writes `<pid>\n` to `path`; `owner`, when given, gets the file. Throws the fs error on failure. */
export function writePidFile(path: string, owner: Credentials | null): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const fd = openSync(path, 'wx', 0o644);
  try {
    if (owner) fchownSync(fd, owner.uid, owner.gid);
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
}

/** Removes the pid file (none: null) if it still names this process; says nothing when it cannot. */
export function removePidFile(path: string | null): void {
  if (path === null) return;
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
  } catch {
    // gone already, replaced, or the folder is not ours to change: leave it
  }
}
