/**
 * Question read and cache key: src/wire/query-parse.ts parseQuery (the key is hashed inside it),
 * then the key in use as a cache hit uses it, a CacheStore lookup over 10,000 entries that compares
 * the message's bytes with the stored key (no key string made).
 */
import { EntryRef } from '../../src/cache/slab.js';
import { CacheStore } from '../../src/cache/store.js';
import { parseQuery, type ParsedQuery } from '../../src/wire/query-parse.js';
import { queryWire } from './fixtures.js';
import type { Case } from './harness.js';

const NAMES = 10_000;

/** The parse and key cases. */
export function parseCases(): Case[] {
  const plain = queryWire('www.example.com', 'A', false);
  const edns = queryWire('WwW.ExAmPle.CoM', 'A', true);
  const queries = Array.from({ length: NAMES }, (_, i) => queryWire(`host${(i * 7919) % NAMES}.service.consul`, 'A', true));
  const store = new CacheStore(NAMES * 2, 256 * 1024 * 1024);
  for (const q of queries) store.set((parseQuery(q) as ParsedQuery).key, Buffer.alloc(60));
  const found = new EntryRef();
  const hit = (msg: Buffer) => {
    const p = parseQuery(msg) as ParsedQuery;
    return store.lookupMatch(p.keyHash, p, found);
  };
  return [
    { name: 'parseQuery: www.example.com A, no EDNS (33 B)', fn: () => parseQuery(plain) },
    { name: 'parseQuery: WwW.ExAmPle.CoM A + OPT (44 B, case folded)', fn: () => parseQuery(edns) },
    { name: 'cache key in use: parseQuery + CacheStore.lookupMatch, 10k entries', fn: (i) => hit(queries[i % NAMES]!) },
  ];
}
