/**
 * The query log's lines against the format the README documents, field by field and in order:
 * every answer source, dropped queries, upstream or not, TCP, IPv6 clients, extra fields, and
 * names that need JSON escapes (the file stays ASCII).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { QueryLog } from '../../../src/log/query-log.js';
import { Query } from '../../../src/pipeline/query.js';
import { Reply, type ReplySource } from '../../../src/pipeline/types.js';
import { rcodeName } from '../../../src/wire/constants.js';
import { parseQuery } from '../../../src/wire/query-parse.js';
import { PROTOCOLS } from '../../../src/metrics/query-stats.js';
import { makeQuery } from '../../helpers/wire.js';
import { bytes, header, labels, question } from '../../helpers/wire-bytes.js';

/** One logged query. */
interface Rec {
  q: Query;
  r: Reply | null;
  bytes: number;
  ms: number;
}

/** The record one line should hold, fields in the documented order. */
function expected(x: Rec, extra: boolean): Record<string, unknown> {
  const { q, r } = x;
  const c = q.client;
  const out: Record<string, unknown> = {
    level: 30, time: Math.round(performance.timeOrigin + q.started), pid: process.pid, msg: 'query',
    client: c.address, port: c.port, proto: c.protocol, qname: q.name, qtype: q.typeName,
  };
  if (r === null) out['source'] = 'dropped';
  else {
    out['source'] = r.source;
    if (r.upstream !== null) out['upstream'] = r.upstream;
    out['rcode'] = rcodeName(r.rcode);
    out['answers'] = r.answerCount;
  }
  out['latency_us'] = Math.round(x.ms * 1000);
  if (extra) Object.assign(out, { id: q.p.id, edns: q.p.edns ? q.p.udpSize : null, do: q.p.dnssecOk, cd: q.p.cd, depth: q.depth, bytes: x.bytes });
  return out;
}

/** A reply with `rcode` and `answers` records counted in the header. */
function reply(source: ReplySource, rcode: number, answers: number, upstream: string | null): Reply {
  const wire = Buffer.alloc(12);
  wire[3] = rcode;
  wire.writeUInt16BE(answers, 6);
  return new Reply(wire, source, true, -1, -1, upstream);
}

function records(): Rec[] {
  const names = ['www.example.com', 'h0.bench.test', 'quo"te.test', 'back\\slash.test', 'caf\u00e9.test', '', 'UPPER.Case.TEST'];
  const out: Rec[] = [];
  let i = 0;
  for (const name of names) {
    for (const opts of [{}, { edns: 1232, dnssecOk: true }, { cd: true, id: 65535 }] as const) {
      const base = makeQuery(name, { ...opts, type: i % 3 === 0 ? 'AAAA' : 'A' }, PROTOCOLS[i % PROTOCOLS.length]);
      const client = i % 4 === 3 ? { ...base.client, address: '2001:db8::53', port: 1 + i * 977 } : base.client;
      const q = new Query(base.msg, base.p, client, base.started + i * 0.37, i % 5);
      const sources: (Reply | null)[] = [
        null,
        reply('cache', 0, 2, null),
        reply('upstream', 3, 0, '127.0.0.1#53'),
        reply('coalesced', 2, 1, '[::1]#5353'),
        reply('local', 5, 0, null),
      ];
      out.push({ q, r: sources[i % sources.length]!, bytes: 40 + i, ms: i * 0.0123 });
      i++;
    }
  }
  // Labels holding bytes no dotted name shows plainly: a dot and a backslash (escaped as readName
  // does), a control byte, upper case and a byte above 0x7f.
  for (const raw of [['a.b', 'Ctl\x01', 'x'], ['back\\slash'], ['MiXeD', '\xff\x7f']]) {
    const msg = bytes(header(), question(labels(...raw)));
    const p = parseQuery(msg);
    assert.ok(typeof p !== 'number');
    const base = makeQuery('x.test');
    out.push({ q: new Query(msg, p, base.client, base.started), r: reply('cache', 0, 1, null), bytes: 50, ms: 0.5 });
  }
  return out;
}

describe('query log lines', () => {
  for (const extra of [false, true]) {
    it(`hold the documented fields in order${extra ? ' (log-queries=extra)' : ''}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fandns-qlog-'));
      try {
        const path = join(dir, 'q.log');
        const log = new QueryLog({ target: { kind: 'file', path }, bound: 10_000, extra });
        const recs = records();
        for (const x of recs) log.record(x.q, x.r, x.bytes, x.ms);
        await log.close();
        const text = readFileSync(path, 'latin1');
        assert.ok([...text].every((ch) => ch.charCodeAt(0) < 0x80), 'ASCII only (escaped), so latin1 and UTF-8 agree');
        const lines = text.trim().split('\n');
        assert.equal(lines.length, recs.length);
        lines.forEach((l, i) => {
          const got = JSON.parse(l) as Record<string, unknown>;
          const want = expected(recs[i]!, extra);
          assert.deepEqual(Object.keys(got), Object.keys(want));
          assert.deepEqual(got, want);
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
