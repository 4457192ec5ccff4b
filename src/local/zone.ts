/**
 * Local data: records served by fandns itself (hosts files, host-record, txt-record, srv-host,
 * ptr-record, mx-host, naptr-record, caa-record, dns-rr: any type, RDATA as wire bytes) and the
 * set of "locally known" names (names with data, cname aliases, and every ancestor of them:
 * reference §1.3). Keys are lower-cased wire-format names as latin1 strings, so the local stage
 * looks a query up with one substring of its cache key.
 */
import { encodeName } from '../wire/name.js';
import { WireLengths } from '../wire/name-lengths.js';

/** A record of a local name. */
export interface ZoneRecord {
  readonly type: number;
  readonly rdata: Buffer;
  /** TTL to serve. */
  readonly ttl: number;
  /** False when the record does not make its name local (caa-record, dns-rr); absent: true. */
  readonly claimsName?: boolean;
}

/** The wire key of a canonical dotted name. */
export function wireKey(name: string): string {
  return encodeName(name).toString('latin1');
}

/** Local records and known names. */
export class LocalZone {
  readonly #records = new Map<string, ZoneRecord[]>();
  readonly #known = new Set<string>();
  /** Names whose records all leave the name unclaimed (caa-record, dns-rr only): few, if any. */
  readonly #unclaimed = new Set<string>();
  /** Wire lengths of the names with records: most queries are ruled out by length alone. */
  readonly #lengths = new WireLengths();

  /**
   * Adds a record (duplicates of type and data are ignored). A name's first record gets a list of
   * its own size (an ad-block hosts list has 10^5 names of one record each); the name itself is
   * known through its records, only its ancestors go into the known set. A record that does not
   * claim its name (claimsName false) leaves the name and its ancestors unknown.
   */
  add(name: string, rec: ZoneRecord): void {
    const key = wireKey(name);
    this.#lengths.add(key);
    const claims = rec.claimsName !== false;
    const list = this.#records.get(key);
    if (list === undefined) {
      this.#records.set(key, [rec]);
      if (!claims) this.#unclaimed.add(key);
    } else if (!list.some((r) => r.type === rec.type && r.rdata.equals(rec.rdata))) list.push(rec);
    if (claims) {
      this.#unclaimed.delete(key);
      this.#knowFrom(name, 1);
    }
  }

  /** Marks a name as existing locally (with its ancestors) without records of its own. */
  know(name: string): void {
    this.#knowFrom(name, 0);
  }

  /** Adds the name's suffixes to the known set, starting at label `first` (0: the name itself). */
  #knowFrom(name: string, first: number): void {
    const labels = name.split('.');
    for (let i = first; i < labels.length; i++) this.#known.add(wireKey(labels.slice(i).join('.')));
  }

  /** Records of a name by wire key, or undefined when the name has none. */
  records(key: string): readonly ZoneRecord[] | undefined {
    return this.#records.get(key);
  }

  /**
   * False when no name of this wire length has records, so records() would find none: lets the
   * hot path skip slicing and hashing the name for most queries.
   */
  mayHaveRecords(wireLength: number): boolean {
    return this.#lengths.has(wireLength);
  }

  /** True when the name (wire key) has local data that claims it, or is an ancestor of a name that has. */
  isKnown(key: string): boolean {
    return this.#known.has(key) || this.claims(key);
  }

  /** True when the name has records and one of them claims it: a type it lacks gets NODATA here. */
  claims(key: string): boolean {
    return this.#records.has(key) && !this.#unclaimed.has(key);
  }

  /** True when there is no local data at all (the local stage then skips the lookups). */
  get empty(): boolean {
    return this.#known.size === 0 && this.#records.size === 0;
  }

  /** Number of names with records. */
  get size(): number {
    return this.#records.size;
  }
}
