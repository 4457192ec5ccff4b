/**
 * Binds the UDP and the TCP listener of one address on one port number. With port 0 the OS picks
 * the UDP port and TCP must take the same number, which another program may already hold for
 * TCP: then both are released and another number is tried. Nothing stays bound when it fails.
 */

/** How many OS-chosen port numbers to try before giving up. */
export const EPHEMERAL_ATTEMPTS = 20;

/** The part of a UDP socket bindPair needs. */
export interface BoundUdp {
  address(): { port: number };
  close(): void;
}

/** Binds UDP on `port`, then TCP on the UDP port's number; retries EADDRINUSE when port is 0. */
export async function bindPair<U extends BoundUdp, T>(
  port: number,
  bindUdp: (port: number) => Promise<U>,
  bindTcp: (port: number) => Promise<T>,
  attempts = EPHEMERAL_ATTEMPTS,
): Promise<{ readonly udp: U; readonly tcp: T; readonly port: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = await bindUdp(port);
    const bound = udp.address().port;
    try {
      return { udp, tcp: await bindTcp(bound), port: bound };
    } catch (err) {
      udp.close();
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (port !== 0 || !inUse || attempt >= attempts) throw err;
    }
  }
}
