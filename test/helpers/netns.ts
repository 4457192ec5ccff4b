/**
 * A throw-away network namespace for the system-resolver test (root only): its own loopback, so
 * port 53 and 127.0.0.x addresses can be used without touching the host's, and nothing sent
 * inside can reach any other network. Optional per-namespace /etc files (`ip netns exec` bind
 * mounts /etc/netns/NAME/FILE over /etc/FILE) let glibc inside use a resolv.conf of our own.
 * `remove()` deletes the namespace and those files; every process started in it must be stopped
 * first, by PID.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, which, type RunResult } from './tools.js';

const ETC_NETNS = '/etc/netns';

/** A network namespace we created. */
export interface Netns {
  readonly name: string;
  /** The wrapper that runs a command inside: `ip netns exec NAME`. */
  readonly wrapper: readonly string[];
  /** Runs a program inside to completion (bounded). */
  exec(tool: string, args: readonly string[], timeoutMs?: number): Promise<RunResult>;
  /** Writes /etc/netns/NAME/FILE, seen as /etc/FILE by programs started inside afterwards. */
  etcFile(file: string, text: string): void;
  /** Deletes the namespace and its /etc/netns folder (and /etc/netns itself if we made it and it is empty). */
  remove(): void;
}

/** Creates `fandns-test-<random>` with `lo` up. Throws when the system does not allow it. */
export function createNetns(): Netns {
  const ip = which('ip');
  if (!ip) throw new Error('ip (iproute2) not installed');
  const name = `fandns-test-${randomBytes(4).toString('hex')}`;
  execFileSync(ip, ['netns', 'add', name], { stdio: 'pipe', timeout: 10_000 });
  const madeEtcNetns = !existsSync(ETC_NETNS);
  const etcDir = join(ETC_NETNS, name);
  const remove = () => {
    rmSync(etcDir, { recursive: true, force: true });
    if (madeEtcNetns && existsSync(ETC_NETNS) && readdirSync(ETC_NETNS).length === 0) rmdirSync(ETC_NETNS);
    execFileSync(ip, ['netns', 'delete', name], { stdio: 'pipe', timeout: 10_000 });
  };
  try {
    execFileSync(ip, ['-n', name, 'link', 'set', 'lo', 'up'], { stdio: 'pipe', timeout: 10_000 });
  } catch (err) {
    remove();
    throw err;
  }
  const wrapper = [ip, 'netns', 'exec', name];
  return {
    name,
    wrapper,
    exec: (tool, args, timeoutMs = 15_000) => {
      const path = which(tool);
      if (!path) return Promise.reject(new Error(`${tool} not installed`));
      return run(ip, ['netns', 'exec', name, path, ...args], timeoutMs);
    },
    etcFile: (file, text) => {
      mkdirSync(etcDir, { recursive: true });
      writeFileSync(join(etcDir, file), text);
    },
    remove,
  };
}
