import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { Buffer } from 'node:buffer';
import { createServer, type Server, type Socket } from 'node:net';
import { FrameSocket } from '../../../src/log/frame-socket.js';
import { controlFrame, FstrmControl, readControl } from '../../../src/wire/fstrm.js';
import { waitFor } from '../../helpers/wait.js';

const TYPE = 'protobuf:dnstap.Dnstap';

/** One item as a data frame: a length, then the bytes. */
const frames = (items: readonly string[]): Buffer => Buffer.concat(items.map((s) => {
  const b = Buffer.alloc(4 + s.length);
  b.writeUInt32BE(s.length, 0);
  b.write(s, 4, 'latin1');
  return b;
}));

/** What a scripted collector saw on one connection: control frames by type, data frames as text. */
interface Seen {
  controls: number[];
  data: string[];
}

/** A Frame Streams reader on 127.0.0.1 (on `listenPort`, 0: any) that answers READY with `accept` (null: silence) and STOP with FINISH. */
async function collector(accept: string[] | null = [TYPE], listenPort = 0): Promise<{ server: Server; port: number; seen: Seen[]; sockets: Socket[] }> {
  const seen: Seen[] = [];
  const sockets: Socket[] = [];
  const server = createServer((sock) => {
    sockets.push(sock);
    const s: Seen = { controls: [], data: [] };
    seen.push(s);
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (len > 0) {
          if (buf.length < 4 + len) return;
          s.data.push(buf.toString('latin1', 4, 4 + len));
          buf = buf.subarray(4 + len);
          continue;
        }
        const r = readControl(buf);
        if (r === 'more') return;
        assert.ok(!('error' in r), JSON.stringify(r));
        buf = buf.subarray(r.size);
        s.controls.push(r.frame.type);
        if (r.frame.type === FstrmControl.READY) {
          assert.deepEqual(r.frame.contentTypes, [TYPE], 'READY offers the content type');
          if (accept !== null) sock.write(controlFrame(FstrmControl.ACCEPT, accept));
        }
        if (r.frame.type === FstrmControl.STOP) sock.write(controlFrame(FstrmControl.FINISH));
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, seen, sockets };
}

const events = () => {
  const told: string[] = [];
  return { told, events: { connected: () => void told.push('connected'), failed: (err: Error) => void told.push(`failed: ${err.message}`) } };
};

describe('FrameSocket', () => {
  it('does the handshake (READY, ACCEPT, START), sends the items as data frames, and ends with STOP and FINISH', async () => {
    const c = await collector();
    const { told, events: ev } = events();
    const fs = new FrameSocket<string>({ host: '127.0.0.1', port: c.port }, TYPE, 100, frames, ev);
    await waitFor(() => told.includes('connected'), 'the collector took the stream');
    fs.push('one');
    fs.push('two');
    await waitFor(() => c.seen[0]!.data.length === 2, 'two data frames');
    fs.push('three');
    await fs.close();
    await waitFor(() => c.seen[0]!.controls.includes(FstrmControl.STOP), 'STOP');
    assert.deepEqual(c.seen[0], { controls: [FstrmControl.READY, FstrmControl.START, FstrmControl.STOP], data: ['one', 'two', 'three'] });
    assert.deepEqual([told, fs.lost], [['connected'], 0]);
    c.server.close();
  });

  it('keeps up to `bound` items while the collector is away, drops and counts the rest, and sends the kept ones once it comes', async () => {
    const c = await collector();
    const port = c.port;
    c.server.close();
    await new Promise((r) => setTimeout(r, 50));
    const { told, events: ev } = events();
    const fs = new FrameSocket<string>({ host: '127.0.0.1', port }, TYPE, 3, frames, ev);
    await waitFor(() => told.length === 1, 'the failure told');
    assert.match(told[0]!, /^failed: .*ECONNREFUSED/);
    for (const s of ['a', 'b', 'c', 'd', 'e']) fs.push(s);
    assert.equal(fs.lost, 2);
    const again = await collector([TYPE], port);
    fs.reopen(); // SIGUSR2: try now rather than after the retry delay
    await waitFor(() => told.includes('connected'), 'connected after the collector came', 8000);
    await waitFor(() => again.seen[0]?.data.length === 3, 'the three kept items');
    assert.deepEqual(again.seen[0]!.data, ['a', 'b', 'c']);
    assert.deepEqual(told.filter((t) => t.startsWith('failed')).length, 1, 'the absence told once');
    await fs.close();
    again.server.close();
  });

  it('a collector that accepts another content type gets no data; the refusal is told', async () => {
    const c = await collector(['protobuf:other']);
    const { told, events: ev } = events();
    const fs = new FrameSocket<string>({ host: '127.0.0.1', port: c.port }, TYPE, 10, frames, ev);
    fs.push('x');
    await waitFor(() => told.length > 0, 'told');
    assert.match(told[0]!, /does not accept protobuf:dnstap\.Dnstap \(it accepts protobuf:other\)/);
    await fs.close();
    assert.deepEqual(c.seen[0]!.data, []);
    assert.equal(fs.lost, 1, 'the item never sent is counted at close');
    c.server.close();
  });

  it('close() without FINISH ends the connection after a second at most', async () => {
    const c = await collector();
    const { told, events: ev } = events();
    const fs = new FrameSocket<string>({ host: '127.0.0.1', port: c.port }, TYPE, 10, frames, ev);
    await waitFor(() => told.includes('connected'), 'connected');
    c.sockets[0]!.removeAllListeners('data'); // deaf from now on: no FINISH
    c.sockets[0]!.resume();
    await fs.close();
    c.server.close();
  });
});
