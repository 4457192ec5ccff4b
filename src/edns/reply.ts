/**
 * The reply side of a rewritten query (see rewriter.ts): whether the upstream's answer may be
 * cached, and, with add-subnet or strip-subnet, the ECS option its asker gets. The upstream's ECS
 * option describes fandns's own exchange, so it is removed; a client that sent ECS gets its own
 * option back, as RFC 7871 §7.2.2 requires (and one that sent none gets none). The SCOPE
 * PREFIX-LENGTH echoed is the upstream's when the client's option went upstream unchanged;
 * otherwise 0 when the answer is global, else the client's own SOURCE PREFIX-LENGTH (the answer
 * holds for exactly the subnet it asked about, never more widely).
 */
import type { Buffer } from 'node:buffer';
import { editOptions, OPTION_HEAD, optEnd } from '../wire/edns-options.js';
import { ECS_OPTION, ecsScope, withScope } from '../wire/ecs.js';
import { CacheRule, type Rewritten } from './rewriter.js';

/** What the asker of a rewritten query gets. */
export interface EdnsReply {
  readonly wire: Buffer;
  /** Where its OPT record is (-1: none). */
  readonly optStart: number;
  readonly optEnd: number;
  /** False when the bytes are still the upstream's (and any layout of them holds). */
  readonly edited: boolean;
  readonly cacheable: boolean;
}

const notEcs = (code: number): boolean => code !== ECS_OPTION;

/**
 * The asker's copy of an upstream answer `wire` (its OPT at `optStart`, -1: none) to the rewritten
 * query `r`. `wire` is used as it is when nothing changes. A new OPT advertises `udpSize`.
 */
export function ednsReply(wire: Buffer, optStart: number, r: Rewritten, udpSize: number): EdnsReply {
  const scope = ecsScope(wire, optStart);
  const cacheable = r.cache === CacheRule.ALWAYS || (r.cache === CacheRule.IF_GLOBAL && scope === 0);
  const end = optStart < 0 ? -1 : optEnd(wire, optStart);
  if (!r.ownsEcs || (optStart < 0 && r.clientEcs === null)) return { wire, optStart, optEnd: end, edited: false, cacheable };
  let echo: Buffer | null = null;
  if (r.clientEcs !== null) {
    const source = r.clientEcs[OPTION_HEAD + 2]!;
    echo = withScope(r.clientEcs, r.ecsKept ? scope : scope === 0 ? 0 : source);
  }
  const out = editOptions(wire, optStart, notEcs, echo ?? new Uint8Array(0), udpSize);
  const start = optStart < 0 ? wire.length : optStart;
  return { wire: out, optStart: start, optEnd: optEnd(out, start), edited: true, cacheable };
}
