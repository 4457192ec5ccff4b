/**
 * A recording upstream as a process of its own, for tests that run servers inside a network
 * namespace (where the test process's sockets cannot reach): `node recording-upstream-main.js PORT`
 * answers UDP queries on 127.0.0.1:PORT as the echo upstream does, and prints each query it
 * receives as one line of hex on stdout (after a first line "ready").
 */
import { createSocket } from 'node:dgram';
import { echoReply } from './echo-upstream.js';

const port = Number(process.argv[2]);
const sock = createSocket('udp4');
sock.on('message', (q, rinfo) => {
  process.stdout.write(`${q.toString('hex')}\n`);
  const out = echoReply(q);
  if (out) sock.send(out, rinfo.port, rinfo.address);
});
sock.bind(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => sock.close(() => process.exit(0)));
