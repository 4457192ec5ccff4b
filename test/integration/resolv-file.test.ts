/**
 * resolv-file as the source of default servers: read at start-up, re-read within a second or two
 * of a change (unless no-poll), and our own address never used as an upstream. Servers named in
 * the file sit on 127.0.0.x port 53 where nothing listens, so no packet leaves loopback and the
 * outcome (SERVFAIL for a dead server, REFUSED for none) shows what fandns read.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { FandnsServer } from '../../src/server.js';
import { query } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function serve(conf: string) {
  const server = new FandnsServer(parseConfigText(conf, 'test.conf'), createLogger('silent'));
  await server.start();
  return server;
}

describe('resolv-file', () => {
  it('re-reads the file when it changes, keeping the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-resolv-'));
    const file = join(dir, 'resolv.conf');
    writeFileSync(file, '# no servers yet\nsearch example.com\n');
    const server = await serve(`port=0\nlisten-address=127.0.0.1\nno-hosts\nresolv-file=${file}\nupstream-timeout=200\nquery-timeout=600\naddress=/fixed.test/192.0.2.1`);
    const port = server.endpoints[0]!.port;
    try {
      assert.equal((await query(port, 'a.example')).rcode, 'REFUSED', 'no servers: REFUSED');
      writeFileSync(file, 'nameserver 127.0.0.77\nnameserver 127.0.0.1#5353\n');
      await sleep(2500);
      assert.equal((await query(port, 'a.example')).rcode, 'SERVFAIL', 'the new (dead) server is used');
      assert.deepEqual(server.runtime.registry.upstreams().map((u) => u.label), ['127.0.0.77#53']);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees a change written as soon as start-up or a reload returns (before the poll has looked at the file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-resolv-'));
    const file = join(dir, 'resolv.conf');
    writeFileSync(file, 'nameserver 127.0.0.81\n');
    const conf = `port=0\nlisten-address=127.0.0.1\nno-hosts\nresolv-file=${file}`;
    const server = await serve(conf);
    const labels = () => server.runtime.registry.upstreams().map((u) => u.label);
    try {
      for (let round = 0; round < 4; round++) {
        if (round > 0) server.reload(parseConfigText(conf, 'test.conf'));
        const want = `127.0.0.${90 + round}#53`;
        writeFileSync(file, `nameserver ${want.slice(0, -3)}\n`);
        for (let i = 0; i < 50 && labels()[0] !== want; i++) await sleep(100);
        assert.deepEqual(labels(), [want], `round ${round}`);
      }
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps cached answers through a resolv-file change, unless clear-on-reload', async () => {
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.8', 300)] }));
    const dir = mkdtempSync(join(tmpdir(), 'fandns-resolv-'));
    const start = (tag: string, extra: string) => {
      const file = join(dir, `${tag}.conf`);
      writeFileSync(file, 'nameserver 127.0.0.79\n');
      return serve(`port=0\nlisten-address=127.0.0.1\nno-hosts\nresolv-file=${file}\nserver=/${tag}.test/${up.spec}\n${extra}`)
        .then((server) => ({ server, file, name: `www.${tag}.test` }));
    };
    const kept = await start('kept', '');
    const cleared = await start('cleared', 'clear-on-reload');
    const asked = (name: string) => up.queries.filter((q) => q.name === name).length;
    try {
      for (const s of [kept, cleared]) {
        for (let i = 0; i < 2; i++) assert.equal((await query(s.server.endpoints[0]!.port, s.name)).rcode, 'NOERROR');
        assert.equal(asked(s.name), 1, 'the second answer came from the cache');
        writeFileSync(s.file, 'nameserver 127.0.0.80\n');
      }
      await sleep(2500);
      for (const s of [kept, cleared]) {
        assert.deepEqual(s.server.runtime.registry.upstreams().map((u) => u.label).sort(), [`${up.spec}`, '127.0.0.80#53'].sort(), s.name);
        assert.equal((await query(s.server.endpoints[0]!.port, s.name)).rcode, 'NOERROR');
      }
      assert.equal(asked(kept.name), 1, 'without clear-on-reload the cached answer is still served');
      assert.equal(asked(cleared.name), 2, 'with clear-on-reload the cache was emptied');
    } finally {
      await kept.server.stop();
      await cleared.server.stop();
      await up.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with no-poll, keeps what it read at start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-resolv-'));
    const file = join(dir, 'resolv.conf');
    writeFileSync(file, 'nameserver 127.0.0.78\n');
    const server = await serve(`port=0\nlisten-address=127.0.0.1\nno-hosts\nno-poll\nresolv-file=${file}\nupstream-timeout=200\nquery-timeout=600`);
    try {
      writeFileSync(file, '\n');
      await sleep(2500);
      assert.deepEqual(server.runtime.registry.upstreams().map((u) => u.label), ['127.0.0.78#53']);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drops a resolv-file entry that is fandns itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-resolv-'));
    const file = join(dir, 'resolv.conf');
    // fandns listens on 127.0.0.1 port 0 → some port P; an entry for port 53 is not us and stays.
    writeFileSync(file, 'nameserver 127.0.0.79\n');
    const server = await serve(`port=0\nlisten-address=127.0.0.1\nno-hosts\nresolv-file=${file}\nserver=127.0.0.1#1\n`);
    try {
      const port = server.endpoints[0]!.port;
      // Reload with a config naming our own address and port as a server.
      server.reload(parseConfigText(`port=0\nlisten-address=127.0.0.1\nno-hosts\nresolv-file=${file}\nserver=127.0.0.1#${port}\n`, 'test.conf'));
      assert.deepEqual(server.runtime.registry.upstreams().map((u) => u.label), ['127.0.0.79#53']);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
