/**
 * The EDNS options of forwarded queries, as dnsmasq 2.90 sets them (edns0.c, add_edns0_config):
 * add-mac (option 65001, or 65073 as text), add-cpe-id (65074), add-subnet (ECS, RFC 7871), and
 * strip-mac / strip-subnet, which remove a client's own. New options follow the client's in that
 * order. A client's own option of a kind fandns adds is kept, and nothing added, unless the
 * matching strip-* is set (then it is replaced); add-cpe-id always replaces. A query without EDNS
 * gets an OPT record only when something is added, advertising 512 bytes, its client's limit.
 *
 * Each rewrite also says how the reply is to be treated: which askers may share one upstream
 * query (the same client-specific options), and whether the reply may be cached (see CacheRule).
 * Queries signed with TSIG or asking TKEY go upstream untouched, as in dnsmasq (a change would
 * break the signature), and are neither shared nor cached.
 */
import { Buffer } from 'node:buffer';
import type { EdnsConfig } from '../config/types.js';
import { CLASSIC_UDP_SIZE, RRType } from '../wire/constants.js';
import { editOptions, encodeOption, OPTION_HEAD, optEnd } from '../wire/edns-options.js';
import { ECS_OPTION, readEcs } from '../wire/ecs.js';
import { u16 } from '../wire/header.js';
import { OPT_SIZE } from '../wire/opt.js';
import { findAdditional } from '../wire/query-additional.js';
import type { Query } from '../pipeline/query.js';
import { ClientSubnet } from './client-subnet.js';
import type { NeighbourLookup } from './neighbours.js';

/** Option codes dnsmasq uses besides ECS (temporary assignments: dyndns.org, Nominum). */
export const OptionCode = { MAC: 65001, DEVICE_ID: 65073, CPE_ID: 65074 } as const;

/**
 * When a reply may be cached: ALWAYS (it does not depend on who asked: no client-specific option
 * went upstream, or add-subnet's option is the same for every client); IF_GLOBAL (a client's
 * subnet went upstream: only an answer whose ECS SCOPE PREFIX-LENGTH is 0, or without ECS, is
 * valid for every client, RFC 7871 §7.3); NEVER (a MAC address went upstream).
 */
export const CacheRule = { ALWAYS: 0, IF_GLOBAL: 1, NEVER: 2 } as const;
export type CacheRule = (typeof CacheRule)[keyof typeof CacheRule];

/** A query as it goes upstream, and how its reply is to be treated. */
export class Rewritten {
  constructor(
    readonly msg: Buffer,
    /** The client-specific options sent (ECS, MAC), as a string: askers share an upstream query only when these are equal. */
    readonly identity: string,
    readonly cache: CacheRule,
    /** The client's own well-formed ECS option when the reply's ECS is fandns's to rewrite (`ownsEcs`), else null. */
    readonly clientEcs: Buffer | null,
    /** True when the client's ECS option went upstream as it was (add-subnet without strip-subnet). */
    readonly ecsKept: boolean,
    /** True with add-subnet or strip-subnet: the reply's ECS option describes fandns's exchange, not the client's. */
    readonly ownsEcs: boolean,
  ) {}
}

/** Where the client's own options of the kinds fandns handles are (offsets of OPTION-CODE, -1: none). */
class ClientOptions {
  ecs = -1;
  mac = -1;
  deviceId = -1;

  constructor(msg: Uint8Array, optStart: number) {
    if (optStart < 0) return;
    const end = optEnd(msg, optStart);
    for (let o = optStart + OPT_SIZE; o + OPTION_HEAD <= end; o += OPTION_HEAD + u16(msg, o + 2)) {
      const code = u16(msg, o);
      if (code === ECS_OPTION && this.ecs < 0) this.ecs = o;
      else if (code === OptionCode.MAC && this.mac < 0) this.mac = o;
      else if (code === OptionCode.DEVICE_ID && this.deviceId < 0) this.deviceId = o;
    }
  }
}

/** The bytes of the option at `at` (code and length included). */
const optionAt = (msg: Uint8Array, at: number): Buffer => Buffer.from(msg.subarray(at, at + OPTION_HEAD + u16(msg, at + 2)));

/** A MAC as dnsmasq writes it for add-mac=text: lower-case hex pairs joined by colons. */
const macText = (mac: Uint8Array): string => [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');

/** Rewrites forwarded queries for one configuration. */
export class EdnsRewriter {
  readonly #subnet: ClientSubnet | null;
  readonly #ownsEcs: boolean;
  readonly #stripSubnet: boolean;
  readonly #stripMac: boolean;
  readonly #raw: boolean;
  /** add-mac=text or =base64 (text wins when both are given, as in dnsmasq), or null. */
  readonly #device: 'text' | 'base64' | null;
  readonly #cpe: Buffer | null;
  readonly #neighbours: NeighbourLookup | null;
  /** Client options that never go upstream: the ones a strip-* removes or add-cpe-id replaces. */
  readonly #keep: (code: number) => boolean;
  #signed = 0;

  private constructor(cfg: EdnsConfig, neighbours: NeighbourLookup | null) {
    this.#subnet = cfg.addSubnet === null ? null : new ClientSubnet(cfg.addSubnet);
    this.#ownsEcs = cfg.addSubnet !== null || cfg.stripSubnet;
    this.#stripSubnet = cfg.stripSubnet;
    this.#stripMac = cfg.stripMac;
    this.#raw = cfg.addMac.includes('raw');
    this.#device = cfg.addMac.includes('text') ? 'text' : cfg.addMac.includes('base64') ? 'base64' : null;
    this.#cpe = cfg.cpeId === null ? null : encodeOption(OptionCode.CPE_ID, Buffer.from(cfg.cpeId));
    this.#neighbours = this.#raw || this.#device !== null ? neighbours : null;
    const drop = new Set<number>();
    if (cfg.stripSubnet) drop.add(ECS_OPTION);
    if (cfg.stripMac) drop.add(OptionCode.MAC).add(OptionCode.DEVICE_ID);
    if (this.#cpe !== null) drop.add(OptionCode.CPE_ID);
    this.#keep = (code) => !drop.has(code);
  }

  /** A rewriter for `cfg`, or null when it sets none of these options (forwarding then costs nothing extra). */
  static create(cfg: EdnsConfig, neighbours: NeighbourLookup | null): EdnsRewriter | null {
    const none = cfg.addSubnet === null && !cfg.stripSubnet && cfg.addMac.length === 0 && !cfg.stripMac && cfg.cpeId === null;
    return none ? null : new EdnsRewriter(cfg, neighbours);
  }

  /** What goes upstream for `q`. */
  rewrite(q: Query): Rewritten {
    const { msg, p } = q;
    if (p.qtype === RRType.TKEY || findAdditional(msg, p.qEnd, RRType.TSIG) >= 0) {
      return new Rewritten(msg, `signed ${++this.#signed}`, CacheRule.NEVER, null, false, false);
    }
    const own = new ClientOptions(msg, p.ednsOptions ? p.optStart : -1);
    const added: Buffer[] = [];
    let identity = '';
    let cache: CacheRule = CacheRule.ALWAYS;
    const send = (option: Buffer, rule: CacheRule) => {
      added.push(option);
      identity += option.toString('latin1');
      if (rule > cache) cache = rule;
    };
    const keepOwn = (at: number, rule: CacheRule) => {
      identity += optionAt(msg, at).toString('latin1');
      if (rule > cache) cache = rule;
    };
    if (this.#neighbours !== null) {
      const mac = this.#neighbours.lookup(q.client.address);
      if (this.#raw) {
        if (own.mac >= 0 && !this.#stripMac) keepOwn(own.mac, CacheRule.NEVER);
        else if (mac !== null) send(encodeOption(OptionCode.MAC, mac), CacheRule.NEVER);
      }
      if (this.#device !== null) {
        if (own.deviceId >= 0 && !this.#stripMac) keepOwn(own.deviceId, CacheRule.NEVER);
        else if (mac !== null && mac.length === 6) {
          const text = this.#device === 'text' ? macText(mac) : mac.toString('base64');
          send(encodeOption(OptionCode.DEVICE_ID, Buffer.from(text)), CacheRule.NEVER);
        }
      }
    }
    if (this.#cpe !== null) added.push(this.#cpe);
    let clientEcs: Buffer | null = null;
    let kept = false;
    if (this.#ownsEcs && own.ecs >= 0 && readEcs(msg, own.ecs) !== null) clientEcs = optionAt(msg, own.ecs);
    if (this.#subnet !== null) {
      if (own.ecs >= 0 && !this.#stripSubnet) {
        kept = true;
        keepOwn(own.ecs, CacheRule.IF_GLOBAL);
      } else {
        send(this.#subnet.optionFor(q.client.address), this.#subnet.constant ? CacheRule.ALWAYS : CacheRule.IF_GLOBAL);
      }
    }
    const extra = added.length === 1 ? added[0]! : Buffer.concat(added);
    const out = !p.ednsOptions && extra.length === 0 ? msg : editOptions(msg, p.optStart, this.#keep, extra, CLASSIC_UDP_SIZE);
    return new Rewritten(out, identity, cache, clientEcs, kept, this.#ownsEcs);
  }
}
