/**
 * Helpers for config tests: assert that a call fails with a ConfigError of a given code whose
 * message starts with `file:line`, describe domain rules as short strings for table tests, and
 * build throw-away config trees under os.tmpdir().
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError, type ErrorCode } from '../../src/errors.js';
import type { DomainRule, UpstreamSpec } from '../../src/config/types.js';
import { parseConfigText } from '../../src/config/load.js';

/**
 * Runs `fn`, which must throw a ConfigError with `code` and a message starting with
 * `${where}: ` (where = `file:line`, or a bare file for line 0) and matching `pattern`.
 */
export function assertConfigError(fn: () => unknown, code: ErrorCode, where: string, pattern?: RegExp): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(caught.message.startsWith(`${where}: `), `message should start with "${where}: ": ${caught.message}`);
  if (pattern) assert.match(caught.message, pattern);
  return caught;
}

/** `address#port`, plus `@source[#port]` and `%dev` when set: one upstream as a short string. */
export function describeUpstream(s: UpstreamSpec): string {
  let out = `${s.address}#${s.port}`;
  if (s.device !== null) out += ` dev=${s.device}`;
  if (s.sourceAddress !== null) out += ` src=${s.sourceAddress}${s.sourcePort !== null ? `#${s.sourcePort}` : ''}`;
  return out;
}

/** One rule as `match:name action`, e.g. `suffix:consul fwd 127.0.0.1#8600` or `default: local`. */
export function describeRule(r: DomainRule): string {
  const a = r.action;
  const what =
    a.kind === 'forward' ? `fwd ${describeUpstream(a.server)}`
    : a.kind === 'address' ? `addr${a.family} ${a.address}`
    : a.kind === 'null-address' ? 'null'
    : a.kind === 'use-default' ? 'use-default'
    : 'local';
  return `${r.domain.match}:${r.domain.name} ${what}`;
}

/** A temporary directory tree; call remove() (in `after`) to delete it. */
export class TempTree {
  readonly root: string;
  constructor(prefix = 'fandns-test-') {
    this.root = mkdtempSync(join(tmpdir(), prefix));
  }
  /** Absolute path of `rel` inside the tree. */
  path(rel: string): string {
    return join(this.root, rel);
  }
  /** Writes `text` to `rel` (creating folders) and returns the absolute path. */
  write(rel: string, text: string): string {
    const p = this.path(rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    return p;
  }
  /** Creates folder `rel` and returns its absolute path. */
  dir(rel: string): string {
    const p = this.path(rel);
    mkdirSync(p, { recursive: true });
    return p;
  }
  /** Deletes the whole tree. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The servers of the forward rules in `text` (after `no-resolv`), with each rule's domain. */
export function forwardServers(text: string): { domain: string; server: UpstreamSpec }[] {
  return parseConfigText(`no-resolv\n${text}`, 'test.conf').rules.flatMap((r) =>
    r.action.kind === 'forward' ? [{ domain: r.domain.name, server: r.action.server }] : []);
}
