/**
 * `node dist/bench/keep-reload.js [--entries N]`: how long reload-keeps-cache's walk over a full
 * cache takes, and how long it holds the event loop at a time (its slices). Fills a store with N
 * entries (default 1,000,000; a tenth under svc.test, the rest under 1,000 other domains), then
 * walks it for three reloads: nothing changed, svc.test's server changed (a tenth dropped), and
 * cache-size changed (every entry copied into a new store). Then writes the store to a
 * cache-file and loads it into a new runtime. Prints one JSON line per case.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as dnsPacket from 'dns-packet';
import { buildEntry } from '../src/cache/entry-build.js';
import { CacheStore } from '../src/cache/store.js';
import { loadCacheFile, saveCacheFile } from '../src/keep/cache-file.js';
import { createLogger } from '../src/log/logger.js';
import { scanMessage } from '../src/wire/layout.js';
import { FakeClock } from '../src/clock.js';
import { KeepPass, type KeepCounts } from '../src/keep/keep-pass.js';
import { CacheShape } from '../src/keep/shape.js';
import { cacheKey, runtimeOf } from '../test/helpers/runtime.js';

const arg = process.argv.indexOf('--entries');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const BASE = 'server=127.0.0.1#5300\n';
const reply = dnsPacket.encode({
  type: 'response', id: 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'n.example' }],
  answers: [{ type: 'A', name: 'n.example', ttl: 300, data: '10.0.0.1' }],
}) as Buffer;
/** One real entry (born at clock 1000, 300 s), stored under every key. */
const entry = Buffer.from(buildEntry(reply, scanMessage(reply)!, 1000, { minCacheTtl: 0, maxCacheTtl: 86400, negTtl: null, noNegcache: false }, false, false)!);

/** A store with N entries. */
function filled(size: number): CacheStore {
  const store = new CacheStore(size, 1024 ** 3);
  for (let i = 0; i < N; i++) store.set(i % 10 === 0 ? cacheKey(`n${i}.svc.test`) : cacheKey(`n${i}.d${i % 1000}.example`), entry);
  return store;
}

/** Walks `from` into `to` from config `a` to `b`; resolves with the counts and the longest slice. */
async function walk(from: CacheStore, to: CacheStore, a: string, b: string): Promise<KeepCounts & { longestSliceMs: number }> {
  const ra = runtimeOf(BASE + a);
  const rb = runtimeOf(BASE + b);
  const x = new CacheShape(ra);
  const y = new CacheShape(rb);
  let longest = 0;
  let last = performance.now();
  // Event-loop turns between slices: the longest gap between two checks is the longest stall.
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 0);
  const t0 = performance.now();
  const counts = await new Promise<KeepCounts>((resolve) => new KeepPass(from, to, (k) => x.signature(k) === y.signature(k), resolve).start());
  longest = Math.max(longest, performance.now() - Math.max(last, t0));
  clearInterval(probe);
  ra.close();
  rb.close();
  return { ...counts, longestSliceMs: Math.round(longest * 10) / 10 };
}

const svc = (port: number) => `server=/svc.test/127.0.0.2#${port}\n`;
const print = (name: string, r: object) => process.stdout.write(`${JSON.stringify({ case: name, entries: N, ...r })}\n`);

let store = filled(N);
print('unchanged', await walk(store, store, svc(8600), svc(8600)));
print('svc.test server changed', await walk(store, store, svc(8600), svc(8601)));
store = filled(N);
print('cache-size changed (copy)', await walk(store, new CacheStore(N + 1, 1024 ** 3), svc(8600), svc(8600)));

// cache-file: write the (copied) store, then load it into a new runtime, timing both.
const dir = mkdtempSync(join(tmpdir(), 'fandns-bench-keep-'));
const file = join(dir, 'cache');
const clock = new FakeClock(1010);
const log = createLogger('silent');
const from = runtimeOf(`${BASE}${svc(8600)}cache-size=${N}\ncache-max-bytes=${1024 ** 3}`, clock);
for (let i = 0; i < N; i++) from.store.set(i % 10 === 0 ? cacheKey(`n${i}.svc.test`) : cacheKey(`n${i}.d${i % 1000}.example`), entry);
let t = performance.now();
saveCacheFile(file, from, clock, log);
print('cache-file write', { ms: Math.round(performance.now() - t), bytes: statSync(file).size });
from.close();
const to = runtimeOf(`${BASE}${svc(8600)}cache-size=${N}\ncache-max-bytes=${1024 ** 3}`, new FakeClock(5));
t = performance.now();
const counts = loadCacheFile(file, to, new FakeClock(5), log);
print('cache-file load', { ms: Math.round(performance.now() - t), ...counts });
to.close();
rmSync(dir, { recursive: true, force: true });
