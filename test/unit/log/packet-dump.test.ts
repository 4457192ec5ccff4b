/**
 * The dumpfile (src/log/packet-dump.ts): created with a pcap header and mode 0600, appended to
 * when it is such a file already, refused (naming the dumpfile line, exit code 3) when it is
 * something else; packets of the kinds the mask selects only, written as pcap records. A reopen
 * (SIGUSR2) after the file was moved starts a new pcap file; one that finds something else at the
 * path says why and goes on writing to the file it had.
 */
import { after, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { DumpKind, PacketDump, prepareDumpFile } from '../../../src/log/packet-dump.js';
import { ConfigError, ExitCode } from '../../../src/errors.js';
import { pcapFileHeader } from '../../../src/wire/pcap.js';
import { TempTree } from '../../helpers/config.js';

const origin = { file: 'fandns.conf', line: 7 };
const msg = Buffer.from('abcd01000001000000000000', 'hex');

/** The records of a pcap file: [IP source, source port, IP destination, destination port, payload hex]. */
function records(path: string): [string, number, string, number, string][] {
  const d = readFileSync(path);
  const out: [string, number, string, number, string][] = [];
  for (let o = 24; o < d.length;) {
    const len = d.readUInt32LE(o + 8);
    const p = d.subarray(o + 16, o + 16 + len);
    out.push([[...p.subarray(12, 16)].join('.'), p.readUInt16BE(20), [...p.subarray(16, 20)].join('.'), p.readUInt16BE(22), p.subarray(28).toString('hex')]);
    o += 16 + len;
  }
  return out;
}

/** Waits until `path` holds `n` records (the dump writes in batches, a few ms after a packet). */
async function waitForRecords(path: string, n: number): Promise<void> {
  for (let i = 0; i < 200 && records(path).length < n; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(records(path).length, n);
}

describe('dumpfile', () => {
  const tree = new TempTree();
  after(() => tree.remove());

  it('creates the file with a pcap header, mode 0600', () => {
    const path = tree.path('new.pcap');
    prepareDumpFile({ path, origin, mask: 0xf });
    assert.deepEqual(readFileSync(path), pcapFileHeader());
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('gives an empty file its header, and leaves a pcap file as it is', () => {
    const empty = tree.write('empty.pcap', '');
    prepareDumpFile({ path: empty, origin, mask: 0xf });
    assert.deepEqual(readFileSync(empty), pcapFileHeader());
    const old = tree.path('old.pcap');
    writeFileSync(old, Buffer.concat([pcapFileHeader(), Buffer.from('earlier records')]));
    prepareDumpFile({ path: old, origin, mask: 0xf });
    assert.equal(readFileSync(old).subarray(24).toString(), 'earlier records');
  });

  it('gives a new empty file one header however many processes make it ready', () => {
    const path = tree.write('shared.pcap', '');
    for (let i = 0; i < 3; i++) prepareDumpFile({ path, origin, mask: 0xf });
    assert.deepEqual(readFileSync(path), pcapFileHeader());
  });

  it('refuses a file that is not a pcap file of raw IP packets, naming the line', () => {
    const text = tree.write('notes.txt', 'my notes\n');
    assert.throws(() => prepareDumpFile({ path: text, origin, mask: 0xf }), (e: unknown) =>
      e instanceof ConfigError && e.code === 'FANDNS_DUMP_FILE' && e.exitCode === ExitCode.FILE
      && e.message === `fandns.conf:7: dumpfile ${text} exists and is not a pcap file of raw IP packets; fandns only appends to one`);
    assert.equal(readFileSync(text, 'utf8'), 'my notes\n', 'untouched');
    assert.throws(() => prepareDumpFile({ path: tree.path('no/such/dir/x.pcap'), origin, mask: 0xf }), /^ConfigError: fandns.conf:7: cannot open dumpfile .*ENOENT/);
  });

  it('appends the packets of the kinds in its mask', async () => {
    const path = tree.path('mask.pcap');
    const dump = new PacketDump({ path, origin, mask: DumpKind.QUERY | DumpKind.UP_REPLY }, 100);
    dump.packet(DumpKind.QUERY, msg, '127.0.0.2', 40000, '127.0.0.1', 53);
    dump.packet(DumpKind.REPLY, msg, '127.0.0.1', 53, '127.0.0.2', 40000);
    dump.packet(DumpKind.UP_QUERY, msg, '127.0.0.1', 41000, '127.0.0.9', 8600);
    dump.packet(DumpKind.UP_REPLY, msg, '127.0.0.9', 8600, '127.0.0.1', 41000);
    await dump.close();
    assert.deepEqual(records(path), [
      ['127.0.0.2', 40000, '127.0.0.1', 53, msg.toString('hex')],
      ['127.0.0.9', 8600, '127.0.0.1', 41000, msg.toString('hex')],
    ]);
    assert.equal(dump.lost, 0);
  });

  it('reopens: a file moved away keeps what came before, a new one at the path gets a header and what comes after', async () => {
    const path = tree.path('rotate.pcap');
    const dump = new PacketDump({ path, origin, mask: 0xf }, 100);
    dump.packet(DumpKind.QUERY, msg, '127.0.0.2', 40001, '127.0.0.1', 53);
    await waitForRecords(`${path}`, 1);
    renameSync(path, `${path}.1`);
    dump.reopen();
    dump.packet(DumpKind.QUERY, msg, '127.0.0.2', 40002, '127.0.0.1', 53);
    await dump.close();
    assert.deepEqual(records(`${path}.1`).map((r) => r[1]), [40001]);
    assert.deepEqual(readFileSync(path).subarray(0, 24), pcapFileHeader());
    assert.deepEqual(records(path).map((r) => r[1]), [40002]);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('a reopen that finds another kind of file at the path says why and keeps writing to the old file', async () => {
    const path = tree.path('taken.pcap');
    const why: string[] = [];
    const dump = new PacketDump({ path, origin, mask: 0xf }, 100, (err) => why.push(err.message));
    dump.packet(DumpKind.QUERY, msg, '127.0.0.2', 40001, '127.0.0.1', 53);
    await waitForRecords(path, 1);
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'my notes\n');
    dump.reopen();
    dump.packet(DumpKind.QUERY, msg, '127.0.0.2', 40002, '127.0.0.1', 53);
    await dump.close();
    assert.deepEqual(why, [`fandns.conf:7: dumpfile ${path} exists and is not a pcap file of raw IP packets; fandns only appends to one`]);
    assert.equal(readFileSync(path, 'utf8'), 'my notes\n', 'untouched');
    assert.deepEqual(records(`${path}.1`).map((r) => r[1]), [40001, 40002]);
  });

  it('copies the message: later changes to the buffer do not reach the file', async () => {
    const path = tree.path('copy.pcap');
    const dump = new PacketDump({ path, origin, mask: 0xf }, 100);
    const b = Buffer.from(msg);
    dump.packet(DumpKind.QUERY, b, '127.0.0.2', 40000, '127.0.0.1', 53);
    b.fill(0);
    await dump.close();
    assert.equal(records(path)[0]![4], msg.toString('hex'));
  });
});
