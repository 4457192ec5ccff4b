/**
 * Readers for /proc: a process's CPU time (utime+stime, plus cutime+cstime so that reaped children
 * count, which matters for dnsmasq's forked TCP handlers), its memory (VmRSS, VmHWM), and the
 * per-core busy and steal shares of the whole machine over a run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clkTck = 0;

/** Clock ticks per second (`getconf CLK_TCK`). */
export function clockTicks(): number {
  if (clkTck === 0) {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    clkTck = Number.isFinite(n) && n > 0 ? n : 100;
  }
  return clkTck;
}

/** CPU seconds used so far by a process (and its reaped children). */
export interface CpuTime {
  readonly user: number;
  readonly system: number;
}

/** Reads /proc/<pid>/stat: fields 14–17 (utime, stime, cutime, cstime), in seconds. */
export function cpuTime(pid: number): CpuTime {
  const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", the state is field 3, so utime (14) is index 11 here.
  const t = (i: number) => Number(f[i]);
  const hz = clockTicks();
  return { user: (t(11) + t(13)) / hz, system: (t(12) + t(14)) / hz };
}

/** Resident memory of a process, KiB. */
export interface Memory {
  readonly rssKiB: number;
  readonly hwmKiB: number;
}

/** Reads VmRSS and VmHWM from /proc/<pid>/status. */
export function memory(pid: number): Memory {
  const s = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

/** Tick counters of one CPU line of /proc/stat. */
interface CoreTicks {
  readonly total: number;
  readonly idle: number;
  readonly steal: number;
}

/** Per-core tick counters, index = core number. */
export function coreTicks(): CoreTicks[] {
  const out: CoreTicks[] = [];
  for (const line of readFileSync('/proc/stat', 'latin1').split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const v = m[2]!.split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    out[Number(m[1])] = { total, idle: (v[3] ?? 0) + (v[4] ?? 0), steal: v[7] ?? 0 };
  }
  return out;
}

/** Busy and steal percentages of each core between two readings. */
export interface CoreUse {
  readonly busyPct: number;
  readonly stealPct: number;
}

/** Compares two coreTicks() readings. */
export function coreUse(before: readonly CoreTicks[], after: readonly CoreTicks[]): CoreUse[] {
  return after.map((a, i) => {
    const b = before[i] ?? a;
    const total = a.total - b.total || 1;
    const pct = (x: number) => Math.round((1000 * x) / total) / 10;
    return { busyPct: pct(total - (a.idle - b.idle) - (a.steal - b.steal)), stealPct: pct(a.steal - b.steal) };
  });
}
