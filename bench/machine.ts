/**
 * The tools the harness needs (with install hints when they are missing) and a description of the
 * machine and the code under test, recorded with every result.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';

/** A required external program. */
interface Tool {
  readonly cmd: string;
  readonly debian: string;
}

/**
 * dnsperf drives the load; dnsmasq is both the upstream and the comparison; timeout bounds every
 * process. (taskset is optional: without it nothing is pinned.)
 */
export const TOOLS: readonly Tool[] = [
  { cmd: 'dnsperf', debian: 'dnsperf' },
  { cmd: 'dnsmasq', debian: 'dnsmasq-base' },
  { cmd: 'timeout', debian: 'coreutils' },
];

/** Where `cmd` is: on PATH, or in /usr/sbin (Debian's dnsmasq, often off a user's PATH); or null. */
export function commandPath(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  try {
    accessSync(`/usr/sbin/${cmd}`, constants.X_OK);
    return `/usr/sbin/${cmd}`;
  } catch {
    return null;
  }
}

/** True when `cmd` can be run. */
export function hasCommand(cmd: string): boolean {
  return commandPath(cmd) !== null;
}

/** The tools that are missing. */
export function missingTools(): Tool[] {
  return TOOLS.filter((t) => !hasCommand(t.cmd));
}

/** The apt-get command that installs `missing`. */
export function aptCommand(missing: readonly Tool[]): string {
  return `sudo apt-get install ${[...new Set(missing.map((t) => t.debian))].join(' ')}`;
}

/** The message printed when tools are missing. */
export function installHint(missing: readonly Tool[]): string {
  return `bench: missing ${missing.map((t) => t.cmd).join(', ')}.\nInstall on Debian/Ubuntu with:  ${aptCommand(missing)}\n`;
}

/** `<cmd> <version>` from the first version number the program prints. */
const version = (cmd: string, args: string[]): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${cmd} ${/version\s+(\d+(?:\.\d+)+)/i.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown'}`;
};

/** The machine and software a result came from. */
export interface MachineInfo {
  readonly date: string;
  readonly nproc: number;
  readonly cpuModel: string;
  readonly kernel: string;
  readonly node: string;
  readonly dnsmasq: string;
  readonly dnsperf: string;
  readonly gitSha: string;
  readonly gitDirty: boolean;
  readonly pinned: boolean;
  /** Which core ran what (placement.ts describePlacement); absent in results of earlier versions. */
  readonly placement?: string;
}

/** Git commit of the repository at `root`. */
function git(root: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** Collects MachineInfo; `pinned` says whether server and load got separate cores, `placement` which cores ran what. */
export function machineInfo(root: string, pinned: boolean, placement?: string): MachineInfo {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    date: new Date().toISOString(),
    nproc: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    kernel: release(),
    node: process.version,
    dnsmasq: version(commandPath('dnsmasq') ?? 'dnsmasq', ['--version']).replace(/^\S*dnsmasq/, 'dnsmasq'),
    dnsperf: version('dnsperf', ['-h']),
    gitSha: git(root, ['rev-parse', '--short=10', 'HEAD']) || 'unknown',
    gitDirty: git(root, ['status', '--porcelain', '--untracked-files=no']) !== '',
    pinned,
    ...(placement === undefined ? {} : { placement }),
  };
}
