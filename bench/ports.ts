/** Free high ports on 127.0.0.1, free for both UDP and TCP at the time of asking. */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const handed = new Set<number>();

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

function udpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind({ address: '127.0.0.1', port: 0 }, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A port no other caller of this function got, free on UDP and TCP right now (never 53). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await udpPort();
    if (port > 1024 && !handed.has(port) && (await tcpFree(port))) {
      handed.add(port);
      return port;
    }
  }
  throw new Error('no free port found');
}
