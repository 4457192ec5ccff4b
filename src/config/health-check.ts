/**
 * Active health checks of upstream servers (fandns; dnsmasq has none):
 * `health-check=/d1/d2/NAME[,TYPE]` checks the servers of the domain rules at or below d1 and d2
 * by asking them NAME (type A unless TYPE is given); `/#/` (as in `server=/#/`) or no domain at
 * all means the default servers. `health-check-interval`, `-rise` and `-fall` tune every check.
 * Part of the directive table in directives.ts; the checks themselves run in
 * src/upstream/health-check.ts.
 */
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import { RRType, typeFromName } from '../wire/constants.js';
import { int, unquoted, type Directive } from './directive-kit.js';
import { isDomainScoped, splitDomainScope } from './domain-cache-ttl.js';
import { localName } from './local-records.js';
import type { Setting } from './builder.js';
import type { HealthCheckConfig, HealthCheckRule } from './types.js';

/** Defaults of the tuning options; conf/fandns.conf documents the same values. */
export const HEALTH_CHECK_DEFAULTS = { intervalMs: 5000, rise: 2, fall: 3 } as const;

/** Question types a check may not ask: meta types and those only zone transfers or TSIG use. */
const META_TYPES = new Set<number>([0, RRType.OPT, 249, 250, 251, 252, 253, 254, RRType.ANY]);

/** The `health-check=` lines and tuning options, each domain once. */
export class HealthCheckLines {
  readonly #byDomain = new Map<string | null, HealthCheckRule>();
  intervalMs: Setting<number> | null = null;
  rise: Setting<number> | null = null;
  fall: Setting<number> | null = null;

  /** Records one line's checks; a domain (or the default servers) named before is an error. */
  add(rules: readonly HealthCheckRule[]): void {
    for (const r of rules) {
      const prev = this.#byDomain.get(r.domain);
      if (prev) {
        const what = r.domain === null ? 'the default servers' : r.domain;
        throw new ConfigError('FANDNS_CONFIG_REPEATED', r.origin, `health-check for ${what} given twice (first at ${formatOrigin(prev.origin)})`);
      }
      this.#byDomain.set(r.domain, r);
    }
  }

  /**
   * The checks, or null when no `health-check=` line was given; a tuning option set to other than
   * its default without one is a warning (pushed to `warnings`), as it changes nothing.
   */
  build(warnings: string[]): HealthCheckConfig | null {
    if (this.#byDomain.size === 0) {
      const d = HEALTH_CHECK_DEFAULTS;
      for (const [name, s, def] of [['interval', this.intervalMs, d.intervalMs], ['rise', this.rise, d.rise], ['fall', this.fall, d.fall]] as const) {
        if (s && s.value !== def) warnings.push(`${formatOrigin(s.origin)}: health-check-${name} has no effect without a health-check= line`);
      }
      return null;
    }
    return {
      checks: [...this.#byDomain.values()],
      intervalMs: this.intervalMs?.value ?? HEALTH_CHECK_DEFAULTS.intervalMs,
      rise: this.rise?.value ?? HEALTH_CHECK_DEFAULTS.rise,
      fall: this.fall?.value ?? HEALTH_CHECK_DEFAULTS.fall,
    };
  }
}

/** The question `NAME[,TYPE]`: NAME `.` is the root; TYPE a mnemonic or TYPEnnn (default A). */
function question(text: string, o: Origin): { name: string; qtype: number } {
  const fields = text.split(',').map((f) => f.trim());
  if (fields.length > 2 || fields[0] === '') {
    throw new ConfigError('FANDNS_CONFIG_VALUE', o, `health-check: "${text}": give [/domain/…]name[,type]`);
  }
  const name = fields[0] === '.' ? '' : localName(fields[0]!, o, 'health-check name');
  const typeText = fields[1] ?? 'A';
  const qtype = typeFromName(typeText);
  if (qtype === undefined) throw new ConfigError('FANDNS_CONFIG_VALUE', o, `health-check: unknown record type "${typeText}"`);
  if (META_TYPES.has(qtype)) throw new ConfigError('FANDNS_CONFIG_VALUE', o, `health-check: ${typeText} is not a type a check can ask`);
  return { name, qtype };
}

/**
 * Reads one `health-check=` value into one rule per domain: `/d1/d2/NAME[,TYPE]`, `/#/NAME[,TYPE]`
 * or `NAME[,TYPE]` (the default servers). Domains are plain names (no wildcards); `#` is the
 * default servers.
 */
export function parseHealthCheck(value: string, o: Origin): HealthCheckRule[] {
  if (!isDomainScoped(value)) return [{ domain: null, ...question(value, o), origin: o }];
  const { domains, rest } = splitDomainScope(value, o, 'health-check', true);
  const q = question(rest, o);
  return domains.map((d) => ({ domain: d === '#' ? null : d, ...q, origin: o }));
}

/** The health-check rows, in --help order. */
export const HEALTH_CHECK_DIRECTIVES: readonly Directive[] = [
  { name: 'health-check', arg: 'value', repeat: 'list', hint: '[/<domain>/…]<name>[,<type>]',
    describe: 'fandns: check the servers of the domains listed (/#/ or none: the default servers) by asking them this question now and then; NOERROR or NXDOMAIN is good, anything else (SERVFAIL, REFUSED, a timeout) fails.',
    apply: (b, val, o) => { b.healthChecks.add(parseHealthCheck(unquoted(val), o)); } },
  { name: 'health-check-interval', arg: 'value', repeat: 'single', hint: '<ms>',
    describe: `fandns: ms between two checks of one server (default ${HEALTH_CHECK_DEFAULTS.intervalMs}); while a down server fails them they back off, doubling up to 8 intervals or 30 s, whichever is less.`,
    apply: (b, val, o) => { b.healthChecks.intervalMs = { value: int('health-check-interval', 50, 600_000)(val, o), origin: o }; } },
  { name: 'health-check-rise', arg: 'value', repeat: 'single', hint: '<n>',
    describe: `fandns: consecutive good checks that bring a down server back (default ${HEALTH_CHECK_DEFAULTS.rise}).`,
    apply: (b, val, o) => { b.healthChecks.rise = { value: int('health-check-rise', 1, 100)(val, o), origin: o }; } },
  { name: 'health-check-fall', arg: 'value', repeat: 'single', hint: '<n>',
    describe: `fandns: consecutive failed checks that mark a server down (default ${HEALTH_CHECK_DEFAULTS.fall}).`,
    apply: (b, val, o) => { b.healthChecks.fall = { value: int('health-check-fall', 1, 100)(val, o), origin: o }; } },
];
