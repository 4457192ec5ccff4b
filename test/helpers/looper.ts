/**
 * A forwarding loop for dns-loop-detect tests: a fake upstream's script that sends every UDP query
 * it gets on to the server under test as a new query (as a forwarder whose own upstream is that
 * server would) and answers nothing.
 */
import { createSocket } from 'node:dgram';
import { rr, type Script, type SeenQuery } from './fake-upstream.js';

/** True for a dns-loop-detect probe as fandns and dnsmasq send it: TXT `<8 hex>.test`. */
export const isLoopProbe = (q: SeenQuery): boolean => q.type === 'TXT' && /^[0-9a-f]{8}\.test$/.test(q.name.toLowerCase());

let sender: ReturnType<typeof createSocket> | null = null;

/** The socket loopers send from: opened on first use, unref'd so it never keeps a test process alive. */
function socket(): ReturnType<typeof createSocket> {
  if (sender === null) {
    sender = createSocket('udp4');
    sender.unref();
  }
  return sender;
}

/**
 * The looping script: each query goes to 127.0.0.1:`port()` (waiting until that is known, non-zero)
 * under a new ID, its name in capitals with `upper`. While `looping()` is false it answers like a
 * plain server instead (A 192.0.2.77, NXDOMAIN for other types).
 */
export function looper(port: () => number, opts: { upper?: boolean; looping?: () => boolean } = {}): Script {
  const sock = socket();
  return (q) => {
    if (opts.looping && !opts.looping()) return q.type === 'A' ? { answers: [rr.a(q.name, '192.0.2.77')] } : { rcode: 'NXDOMAIN' };
    const raw = Buffer.from(q.raw);
    raw.writeUInt16BE((raw.readUInt16BE(0) + 1) & 0xffff, 0);
    if (opts.upper) for (let i = 12; i < raw.length - 4; i++) if (raw[i]! >= 0x61 && raw[i]! <= 0x7a) raw[i]! -= 0x20;
    const send = (): void => {
      if (port() === 0) setTimeout(send, 5);
      else sock.send(raw, port(), '127.0.0.1');
    };
    send();
    return { drop: true };
  };
}
