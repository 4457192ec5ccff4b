/**
 * dnspython as a test client: runs test/interop/fixtures/dnspython_client.py with the Debian
 * python (SYSTEM_PYTHON) against 127.0.0.1:PORT and returns its JSON results, one per job.
 */
import { fileURLToPath } from 'node:url';
import { run, SYSTEM_PYTHON } from './tools.js';

/** The script, found from dist/test/helpers/ back in the source tree. */
const SCRIPT = fileURLToPath(new URL('../../../test/interop/fixtures/dnspython_client.py', import.meta.url));

/** One query for the script to make. */
export interface PyJob {
  readonly how: 'udp' | 'tcp' | 'udp_with_fallback' | 'resolver';
  readonly name: string;
  readonly type: string;
  readonly edns?: boolean;
  readonly dnssec?: boolean;
  /** resolver only: query over TCP. */
  readonly tcp?: boolean;
}

/** What dns.query.* returned (see message_result in the script). */
export interface PyMessage {
  readonly rcode: string;
  readonly flags: string[];
  readonly question: string | null;
  readonly answer: string[];
  readonly authority: string[];
  readonly additional: string[];
  readonly edns: boolean;
  readonly ednsFlags: string[];
  readonly usedTcp: boolean;
}

/** What dns.resolver returned, or the exception it raised. */
export interface PyResolved {
  readonly rrset?: string[];
  readonly name?: string;
  readonly canonical?: string;
  readonly error?: string;
  readonly detail?: string;
}

/** Runs the jobs in one python process, in order. */
export async function dnspython(port: number, jobs: readonly PyJob[]): Promise<(PyMessage & PyResolved)[]> {
  const r = await run(SYSTEM_PYTHON, [SCRIPT, String(port), JSON.stringify(jobs)], 30_000);
  if (r.code !== 0) throw new Error(`dnspython client exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as (PyMessage & PyResolved)[];
}

/** A presentation-format record line without its TTL: `name class type data`. */
export function dropTtl(line: string): string {
  return line.replace(/^(\S+)\s+\d+\s+/, '$1 ');
}
