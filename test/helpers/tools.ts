/**
 * External programs for the interop tests: finding them (`which`), saying why a test must be
 * skipped when one is missing, and running one with a hard timeout. Nothing here starts a
 * long-lived process; see dnsmasq.ts and cli-process.ts for those.
 */
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The Debian python with dnspython; the pyenv `python3` first on PATH lacks it. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** sbin folders are searched too: dnsmasq lives in /usr/sbin, which a user's PATH may lack. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Tools listed here (comma-separated) count as missing, to check that tests skip cleanly. */
const hidden = new Set((process.env['FANDNS_TEST_HIDE_TOOLS'] ?? '').split(',').map((t) => t.trim()).filter(Boolean));

/** The full path of an executable (`dig`, or an absolute path), or null when it is not installed. */
export function which(tool: string): string | null {
  if (hidden.has(tool)) return null;
  if (tool.includes('/')) return isExecutable(tool) ? tool : null;
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const p = join(dir, tool);
    if (isExecutable(p)) return p;
  }
  return null;
}

let dnspython: boolean | null = null;

/** True when SYSTEM_PYTHON exists and can import dnspython. Checked once. */
export function hasDnspython(): boolean {
  if (hidden.has('dnspython')) return false;
  if (dnspython === null) {
    try {
      execFileSync(SYSTEM_PYTHON, ['-c', 'import dns.query, dns.resolver'], { stdio: 'ignore', timeout: 10_000 });
      dnspython = true;
    } catch {
      dnspython = false;
    }
  }
  return dnspython;
}

/**
 * A node:test `skip` value: false when every tool is installed, else the reason, e.g.
 * `{ skip: skipUnless('dig', 'dnsmasq') }`. `dnspython` stands for SYSTEM_PYTHON + dnspython.
 */
export function skipUnless(...tools: string[]): false | string {
  const missing = tools.filter((t) => (t === 'dnspython' ? !hasDnspython() : which(t) === null));
  return missing.length === 0 ? false : `${missing.join(', ')} not installed`;
}

/** How a finished program ended. */
export interface RunResult {
  /** Exit code, or null when it was killed (timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tool` (looked up with which) with a timeout; never rejects for a non-zero exit. */
export function run(tool: string, args: readonly string[], timeoutMs = 15_000): Promise<RunResult> {
  const path = which(tool);
  if (!path) return Promise.reject(new Error(`${tool} not installed`));
  return new Promise((resolve) => {
    execFile(path, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
