/**
 * A `lookup` for dgram sockets that only ever send to address literals: it answers at once with
 * the address itself, skipping dns.lookup's deferred callback on every send
 * (shared/reference/node-performance.md §6: +12% on the echo floor). dgram passes the socket's
 * family (4 or 6) as the options argument, so nothing is computed per send; an object or a missing
 * family (not what Node 20 passes) falls back to the address's form.
 */
export function literalLookup(address: string, family: unknown, cb: (e: Error | null, a: string, f: number) => void): void {
  cb(null, address, family === 4 || family === 6 ? family : address.includes(':') ? 6 : 4);
}
