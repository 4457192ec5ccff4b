/**
 * Which core runs what in a bench run (issue #6: "pinned to one core each with dnsperf on the
 * other where the machine allows"): the server under test on core 0, dnsperf on core 1, and the
 * upstream dnsmasq instances on the cores after that when there are any (the fan-out scenario's
 * three spread over them); on two cores the upstreams share core 1 with dnsperf. Without taskset
 * or with one core nothing is pinned. Pure: the core count and taskset's presence come in.
 */
import { availableParallelism } from 'node:os';
import { hasCommand } from './machine.js';

/** Where to run things and for how long at most. */
export interface Placement {
  /** Core for servers under test, or null (no pinning). */
  readonly serverCpu: number | null;
  /** Core for dnsperf, or null. */
  readonly loadCpu: number | null;
  /** Cores for the upstream dnsmasq instances, used in turn (empty: no pinning). */
  readonly upstreamCpus: readonly number[];
  readonly workDir: string;
  /** Wall-clock limit for one server process, seconds. */
  readonly limitSec: number;
}

/** The placement on a machine with `nproc` cores (`taskset`: whether it can pin). */
export function placeOnCores(workDir: string, limitSec: number, nproc: number, taskset: boolean): Placement {
  if (!taskset || nproc < 2) return { serverCpu: null, loadCpu: null, upstreamCpus: [], workDir, limitSec };
  const upstreamCpus = nproc >= 3 ? Array.from({ length: Math.min(3, nproc - 2) }, (_, i) => 2 + i) : [1];
  return { serverCpu: 0, loadCpu: 1, upstreamCpus, workDir, limitSec };
}

/** placeOnCores on this machine. */
export function placeHere(workDir: string, limitSec: number): Placement {
  return placeOnCores(workDir, limitSec, availableParallelism(), hasCommand('taskset'));
}

/** The core for the `index`-th upstream (from 0), or null. */
export function upstreamCpu(at: Placement, index: number): number | null {
  return at.upstreamCpus.length === 0 ? null : at.upstreamCpus[index % at.upstreamCpus.length]!;
}

/** One sentence saying where things ran, for the results and the chart. */
export function describePlacement(at: Placement): string {
  if (at.serverCpu === null) return 'No pinning (fewer than 2 cores or no taskset): servers, dnsperf and upstream share the CPUs.';
  const ups = at.upstreamCpus;
  const upstream = ups.length === 1 && ups[0] === at.loadCpu
    ? `dnsperf and the upstream dnsmasq share core ${at.loadCpu}`
    : `dnsperf on core ${at.loadCpu}, the upstream dnsmasq on core${ups.length > 1 ? 's' : ''} ${ups.join(', ')}`;
  return `Server under test pinned to core ${at.serverCpu}; ${upstream}.`;
}

/** True when the run's servers were pinned (MachineInfo.pinned). */
export const isPinned = (at: Placement): boolean => at.serverCpu !== null;
