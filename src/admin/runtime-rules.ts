/**
 * fandns admin-api: the domain rules set at run time, and how they lie over the configuration's.
 * A runtime rule for a domain replaces the configuration's server=/local= rules for exactly that
 * domain (dnsmasq's D-Bus SetDomainServers adds its servers to them instead: README "Differences
 * from dnsmasq"); address= rules and rules for other domains stay, so a more specific configured
 * domain still wins by longest match. Kept in memory, across SIGHUP; across a restart only with
 * admin-rules-file (rules-file.ts).
 */
import type { Config, DomainRule } from '../config/types.js';
import { ruleSetting, type RuleSetting } from './rules-request.js';

/** A runtime rule as GET /rules shows it. */
export interface RuleView {
  readonly domain: string;
  readonly servers: readonly string[];
  /** Who set it (the HTTP peer address) and when (ISO 8601). */
  readonly by: string;
  readonly at: string;
}

/** True for the kinds of configured rule a runtime rule for the same domain replaces (server= and local=, not address=). */
function replaceable(rule: DomainRule): boolean {
  const k = rule.action.kind;
  return k === 'forward' || k === 'local-only' || k === 'use-default';
}

/** One domain's rule with who set it and when. */
interface Entry {
  readonly setting: RuleSetting;
  readonly by: string;
  readonly at: string;
}

/** A copy of the rules, to go back to when a change cannot be applied. */
export type RulesSnapshot = ReadonlyMap<string, Entry>;

/** The runtime rules in force, by domain. */
export class RuntimeRules {
  #byDomain = new Map<string, Entry>();
  /** Changes applied (a PUT, or a DELETE of a rule there was), for fandns_admin_rule_changes_total; counted by answerRules. */
  changes = 0;

  /** Sets `setting.domain`'s rule; returns the servers it had before, or null when it had none. */
  set(setting: RuleSetting, by: string, at: Date): readonly string[] | null {
    const prev = this.#byDomain.get(setting.domain);
    this.#byDomain.set(setting.domain, { setting, by, at: at.toISOString() });
    return prev?.setting.servers ?? null;
  }

  /** Removes `domain`'s rule; returns its servers, or null when there was none (nothing changes). */
  delete(domain: string): readonly string[] | null {
    const prev = this.#byDomain.get(domain);
    if (prev === undefined) return null;
    this.#byDomain.delete(domain);
    return prev.setting.servers;
  }

  /** A copy of the rules as they are now. */
  snapshot(): RulesSnapshot {
    return new Map(this.#byDomain);
  }

  /** Goes back to `snap` (the change counter stays). */
  restore(snap: RulesSnapshot): void {
    this.#byDomain = new Map(snap);
  }

  /**
   * Replaces every rule with `views` (as list() gives them, e.g. from a cluster primary), each
   * server string parsed again; on a bad one nothing changes and its AdminRequestError goes on.
   * Not counted as a change (the primary counts it).
   */
  replaceAll(views: readonly RuleView[]): void {
    const next = new Map<string, Entry>();
    for (const v of views) next.set(v.domain, { setting: ruleSetting(v.domain, v.servers), by: v.by, at: v.at });
    this.#byDomain = next;
  }

  /** One domain's rule, or null. */
  get(domain: string): RuleView | null {
    const e = this.#byDomain.get(domain);
    return e === undefined ? null : { domain, servers: e.setting.servers, by: e.by, at: e.at };
  }

  /** Every runtime rule, by domain name. */
  list(): RuleView[] {
    return [...this.#byDomain.keys()].sort().map((d) => this.get(d)!);
  }

  /** `config` with the runtime rules laid over its rules (see the file comment); `config` itself when there are none. */
  overlay(config: Config): Config {
    if (this.#byDomain.size === 0) return config;
    const kept = config.rules.filter((r) => !(r.domain.match === 'suffix' && this.#byDomain.has(r.domain.name) && replaceable(r)));
    const added = [...this.#byDomain.values()].flatMap((e) => e.setting.rules);
    return Object.freeze({ ...config, rules: Object.freeze([...kept, ...added]) });
  }
}
