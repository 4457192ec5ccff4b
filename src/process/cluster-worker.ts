/**
 * The worker side of workers=N: once its server listens, a worker tells the primary (with the
 * endpoints it bound) and from then on answers the primary's requests for its metrics, as
 * prom-client JSON for AggregatorRegistry.aggregate, and for its /health body. dns-loop-detect
 * marks and health-check results go both ways through the primary. admin-api's runtime rules
 * come from the primary: at fork in the environment, then in `rules` requests. So do the outputs
 * of the conf-scripts the primary ran: asked for before the worker loads its configuration, and
 * sent with each reload (src/process/cluster-scripts.ts).
 */
import { randomBytes } from 'node:crypto';
import { FandnsError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { FandnsServer, ServerOptions } from '../server.js';
import { SlotSharing, type CheckSharing } from '../upstream/check-sharing.js';
import type { CheckResult } from '../upstream/health.js';
import { ScriptOutputs } from '../config/script-outputs.js';
import { isCheckCover, isCheckNote, isEntryFound, isLoopMark, isPrimaryRequest, isScriptsGiven, LOOP_SECRET_ENV, WORKER_COUNT_ENV, WORKER_SLOT_ENV, type PrimaryRequest, type WorkerMessage } from './cluster-ipc.js';
import { readForkRules } from './cluster-rules.js';
import { SCRIPTS_ENV } from './cluster-scripts.js';
import { WorkerEntries } from './entry-sharing.js';

/** Sends to the primary; false when the channel is closed (the primary is gone), which is not an error here. */
function toPrimary(msg: WorkerMessage): boolean {
  if (!process.connected) return false;
  process.send!(msg, undefined, undefined, () => {});
  return true;
}

let entries: WorkerEntries | null = null;

/** serve-stale in a worker: the other workers' cache entries, asked through the primary (src/process/entry-sharing.ts). */
export function workerEntrySharing(): WorkerEntries {
  return (entries ??= new WorkerEntries(toPrimary));
}

async function answer(server: FandnsServer, req: PrimaryRequest): Promise<unknown> {
  if (req.what === 'health') return server.health();
  if (req.what === 'rules') {
    server.setAdminRules(req.rules ?? []);
    return { rules: req.rules?.length ?? 0 };
  }
  if (req.what === 'explain') return server.explain(req.explain!);
  if (req.what === 'entry') return server.sharedEntry(req.key ?? '');
  return server.metricsRegistry ? server.metricsRegistry.getMetricsAsJSON() : [];
}

/**
 * dns-loop-detect in a worker: the primary's secret (so every worker knows every probe) and the
 * marks this worker makes passed to the primary for the others.
 */
export function workerLoopSharing(env: NodeJS.ProcessEnv = process.env): NonNullable<ServerOptions['loops']> {
  const hex = env[LOOP_SECRET_ENV];
  return {
    secret: hex !== undefined && /^[0-9a-f]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : randomBytes(16),
    announce: (key, looped) => void toPrimary({ fandns: 'loop', key, looped }),
  };
}

let slotChecks: SlotSharing | null = null;

/**
 * health-check= in a worker: it checks the servers whose key falls to its slot among the workers
 * (and those of slots the primary asks it to cover), and passes its results to the primary for
 * the others (src/upstream/check-sharing.ts). Without a slot and count from the primary it checks
 * every server.
 */
export function workerCheckSharing(env: NodeJS.ProcessEnv = process.env): CheckSharing {
  const slot = Number(env[WORKER_SLOT_ENV]);
  const count = Number(env[WORKER_COUNT_ENV]);
  const announce = (key: string, r: CheckResult) => void toPrimary({ fandns: 'check', key, ok: r.ok, result: r.result });
  if (!(Number.isInteger(slot) && Number.isInteger(count) && slot >= 1 && slot <= count)) return { mine: () => true, announce };
  return (slotChecks = new SlotSharing(slot, count, announce));
}

/** A worker's cache-file suffix: `.<slot>` (README "Workers"), `.0` if the primary gave no slot. */
export function workerCacheFileSuffix(env: NodeJS.ProcessEnv = process.env): string {
  const slot = env[WORKER_SLOT_ENV];
  return `.${slot !== undefined && /^\d{1,3}$/.test(slot) ? slot : '0'}`;
}

/** Longest a starting worker waits for the conf-scripts' outputs before it runs the scripts itself. */
const SCRIPTS_WAIT_MS = 10_000;

/**
 * conf-script= in a worker about to load its configuration: the outputs of the primary's run.
 * Null when the primary ran none (it forked this worker without SCRIPTS_ENV) or did not answer
 * within `waitMs`; the worker then runs the scripts itself.
 */
export function scriptsFromPrimary(env: NodeJS.ProcessEnv = process.env, waitMs = SCRIPTS_WAIT_MS): Promise<ScriptOutputs | null> {
  if (env[SCRIPTS_ENV] !== '1' || !process.connected) return Promise.resolve(null);
  return new Promise((resolve) => {
    const done = (outputs: ScriptOutputs | null) => {
      clearTimeout(timer);
      process.off('message', heard);
      resolve(outputs);
    };
    const heard = (m: unknown) => {
      if (isScriptsGiven(m) && !m.reload) done(ScriptOutputs.from(m.results));
    };
    const timer = setTimeout(() => done(null), waitMs);
    process.on('message', heard);
    toPrimary({ fandns: 'scripts?' });
  });
}

/**
 * Reports that `server` listens and serves the primary's requests and the other workers' loop
 * marks; `reload` reloads the configuration with the conf-scripts' outputs the primary sends
 * (null when they are not a list of outputs: the worker then runs the scripts itself).
 */
export function attachToPrimary(server: FandnsServer, reload: (known: ScriptOutputs | null) => void): void {
  process.on('message', (m: unknown) => {
    if (isScriptsGiven(m)) return m.reload ? reload(ScriptOutputs.from(m.results)) : undefined;
    if (isCheckCover(m)) return slotChecks?.cover(m.slots) ? server.refreshChecks() : undefined;
    if (isLoopMark(m)) return m.looped ? server.markLooped(m.key) : undefined;
    if (isCheckNote(m)) return server.checkHeard(m.key, { ok: m.ok, result: m.result }, m.times);
    if (isEntryFound(m)) return workerEntrySharing().found(m);
    if (!isPrimaryRequest(m)) return;
    answer(server, m).then(
      (body) => toPrimary({ fandns: 'reply', id: m.id, body }),
      (err: Error) => toPrimary({ fandns: 'reply', id: m.id, error: err.message, ...(err instanceof FandnsError ? { code: err.code } : {}) }),
    );
  });
  toPrimary({ fandns: 'started', endpoints: server.endpoints });
}

/**
 * admin-api in a worker about to start: lays the runtime rules the primary had at fork over the
 * configuration, so the worker's first query is routed as the others route theirs.
 */
export function takeForkRules(server: FandnsServer, log: Logger, env: NodeJS.ProcessEnv = process.env): void {
  try {
    const rules = readForkRules(env);
    if (rules.length > 0) server.setAdminRules(rules);
  } catch (err) {
    // The primary sends its rules again once this worker starts.
    log.error({ err: (err as Error).message }, 'admin-api: runtime rules from the primary not taken at start');
  }
}
