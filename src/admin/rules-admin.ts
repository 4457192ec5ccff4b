/**
 * fandns admin-api: carries out a parsed /rules request on the runtime rules, rebuilds the
 * routing through `apply` when a rule changed, and logs each change at info with who made it.
 * `apply` is a single process's rebuild, or a cluster primary's round of its workers (it may
 * answer later; the primary runs one request at a time).
 */
import type { Logger } from '../log/logger.js';
import type { AdminAnswer } from './rules-http.js';
import type { AdminRequest } from './rules-request.js';
import type { RulesSnapshot, RuntimeRules } from './runtime-rules.js';

/** How a change is put in force: throws (or rejects) when it could not be. */
export type ApplyRules = () => void | Promise<void>;

/** Runs `apply`; if it fails, the rules go back to `snap` (the routing in force did not change) and the error goes on. */
async function applyOrRestore(rules: RuntimeRules, snap: RulesSnapshot, apply: ApplyRules): Promise<void> {
  try {
    await apply();
    rules.changes++;
  } catch (err) {
    rules.restore(snap);
    throw err;
  }
}

/**
 * Answers `request` from `peer`; `apply` swaps in the routing for the rules now in force, and
 * `changed` (admin-rules-file) is told of each change once it is in force.
 */
export async function answerRules(rules: RuntimeRules, request: AdminRequest, peer: string, apply: ApplyRules, log: Logger,
  changed: () => void = () => {}): Promise<AdminAnswer> {
  switch (request.op) {
    case 'list':
      return { status: 200, body: { rules: rules.list() } };
    case 'show': {
      const rule = rules.get(request.domain);
      return rule ? { status: 200, body: rule } : { status: 404, body: { error: `no runtime rule for ${request.domain}` } };
    }
    case 'set': {
      const { domain, servers } = request.setting;
      const snap = rules.snapshot();
      const before = rules.set(request.setting, peer, new Date());
      await applyOrRestore(rules, snap, apply);
      changed();
      log.info({ admin: peer, domain, servers, before }, 'admin-api: runtime rule set');
      return { status: 200, body: rules.get(domain) };
    }
    case 'delete': {
      const snap = rules.snapshot();
      const before = rules.delete(request.domain);
      if (before === null) return { status: 404, body: { error: `no runtime rule for ${request.domain}` } };
      await applyOrRestore(rules, snap, apply);
      changed();
      log.info({ admin: peer, domain: request.domain, before }, 'admin-api: runtime rule removed');
      return { status: 200, body: { domain: request.domain, removed: before } };
    }
  }
}
