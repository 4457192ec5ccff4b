/**
 * dnsperf query files (one `name TYPE` per line), written once per run into the work directory.
 * Every name lives under the bench zone, which the upstream dnsmasq answers locally.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** The zone the upstream answers (A and AAAA, TTL 300). */
export const ZONE = 'bench.test';

/** Lines of the hit set: `count` names, each asked for A and AAAA. */
export function hitLines(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`h${i}.${ZONE} A`, `h${i}.${ZONE} AAAA`);
  return out;
}

/** Writes lines lazily produced by `line(i)` for i in [0, n), buffered. */
export async function writeLines(path: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 65536) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** `n` unique A queries `<prefix><i>.bench.test`. */
export function writeUnique(path: string, prefix: string, n: number): Promise<void> {
  return writeLines(path, n, (i) => `${prefix}${i}.${ZONE} A`);
}

/** `n` queries where every `missEvery`-th is a unique name and the rest cycle through `hits`. */
export function writeMixed(path: string, prefix: string, n: number, hits: readonly string[], missEvery: number): Promise<void> {
  let h = 0;
  return writeLines(path, n, (i) => (i % missEvery === missEvery - 1 ? `${prefix}${i}.${ZONE} A` : hits[h++ % hits.length]!));
}
