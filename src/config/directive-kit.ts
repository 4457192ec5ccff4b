/**
 * What every directive row is made of: the Directive shape and the small value readers the rows
 * share. The rows themselves live in directives.ts and its group files.
 */
import { ConfigError, type Origin } from '../errors.js';
import type { ConfigBuilder } from './builder.js';
import { unquote } from './lexer.js';
import { parseIntIn } from './values.js';

/** `flag`: no value allowed. `value`: a value is required. `optional`: `name` or `name=value`. */
export type ArgKind = 'flag' | 'value' | 'optional';

/** One row of the table. */
export interface Directive {
  readonly name: string;
  readonly short?: string;
  readonly arg: ArgKind;
  /** `list` accumulates; `single` may appear once in files (and once on the command line). */
  readonly repeat: 'list' | 'single';
  /** Placeholder for --help, e.g. `<port>`. */
  readonly hint?: string;
  readonly describe: string;
  /** Applies one occurrence. `value` is null only for flags and bare optional options. */
  readonly apply: (b: ConfigBuilder, value: string | null, origin: Origin) => void;
  /**
   * fandns: a value starting with `/domain/` is a per-domain setting (min-cache-ttl=/d/N…): such
   * lines may repeat, and the once-only rule applies to the plain form alone.
   */
  readonly scoped?: boolean;
  /** With `scoped`: the bare form is a flag (`no-negcache`, `all-servers`), which may repeat like any flag. */
  readonly bareIsFlag?: boolean;
  /** Handled by the loader or CLI rather than the builder (conf-file, conf-dir, test…). */
  readonly special?: boolean;
}

/** A value as written, quotes kept (for options whose parsers split fields with splitFields). */
export const asWritten = (value: string | null): string => value ?? '';

/** A single-token value with its quotes removed, as dnsmasq does (`server="127.0.0.1#5353"`). */
export const unquoted = (value: string | null): string => unquote(value ?? '');

/** The path a file option names, quotes removed; an empty one is an error naming the option (`NAME needs a path`). */
export const pathValue = (name: string, value: string | null, o: Origin): string => {
  const p = unquoted(value);
  if (p === '') throw new ConfigError('FANDNS_CONFIG_VALUE', o, `${name} needs a path`);
  return p;
};

/** Largest TTL (RFC 2181 §8). */
export const MAX_TTL = 2_147_483_647;

/** A reader for an integer option within [min, max]; errors name the option. */
export const int = (name: string, min: number, max: number) => (value: string | null, o: Origin): number =>
  parseIntIn(unquoted(value), o, name, min, max);
