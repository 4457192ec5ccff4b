/**
 * Clients for fandns's encrypted listeners, built on Node's tls, http2 and https modules: DNS over
 * TLS (framed queries on one connection, the server's certificate kept) and DNS over HTTPS
 * (a request over HTTP/2 or HTTP/1.1, the status, headers and body kept). The certificate is
 * checked against the test CA for dns.fandns.test unless told otherwise.
 */
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { connect as h2Connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { frame, FrameReader } from '../../src/wire/tcp-frames.js';
import { TLS_FIXTURE } from './stunnel.js';

/** The test CA (test/fixtures/tls/README.md). */
export const TEST_CA = readFileSync(TLS_FIXTURE('ca.pem'));
/** The name the fixture certificates carry. */
export const TEST_NAME = 'dns.fandns.test';

/** A DNS-over-TLS connection. */
export interface DotConnection {
  /** Sends the queries (framed) and resolves with as many replies, in the order they come. */
  exchange(raws: readonly Buffer[], timeoutMs?: number): Promise<Buffer[]>;
  readonly cert: PeerCertificate;
  /** Resolves once the server has closed the connection. */
  readonly closed: Promise<void>;
  close(): void;
}

/** Opens a DNS-over-TLS connection to 127.0.0.1:port; `ca` null accepts any certificate. */
export function dotConnect(port: number, ca: Buffer | null = TEST_CA): Promise<DotConnection> {
  return new Promise((resolve, reject) => {
    const sock = tlsConnect({ host: '127.0.0.1', port, servername: TEST_NAME, ...(ca ? { ca } : { rejectUnauthorized: false }) });
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    const reader = new FrameReader();
    let waiting: ((m: Buffer) => void) | null = null;
    sock.on('data', (d: Buffer) => reader.push(d, (m) => waiting?.(m)));
    sock.once('error', reject);
    sock.once('secureConnect', () => resolve({
      cert: sock.getPeerCertificate(),
      closed,
      close: () => sock.destroy(),
      exchange: (raws, timeoutMs = 3000) => new Promise((ok, fail) => {
        const got: Buffer[] = [];
        const t = setTimeout(() => fail(new Error(`DoT: ${got.length} of ${raws.length} replies after ${timeoutMs} ms`)), timeoutMs);
        waiting = (m) => {
          got.push(Buffer.from(m));
          if (got.length < raws.length) return;
          clearTimeout(t);
          waiting = null;
          ok(got);
        };
        for (const r of raws) sock.write(frame(r));
      }),
    }));
  });
}

/** One DoH request. */
export interface DohRequest {
  readonly port: number;
  readonly method?: 'GET' | 'POST' | 'PUT';
  /** Path and query string (default /dns-query). */
  readonly path?: string;
  readonly contentType?: string;
  readonly body?: Buffer;
  /** HTTP/1.1 instead of HTTP/2. */
  readonly http1?: boolean;
}

/** What came back. */
export interface DohResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** Sends one DoH request to 127.0.0.1:port (bounded by 3 s). */
export function dohRequest(r: DohRequest): Promise<DohResponse> {
  const method = r.method ?? 'GET';
  const path = r.path ?? '/dns-query';
  const headers = r.contentType ? { 'content-type': r.contentType } : {};
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error('DoH request timed out')), 3000);
    const done = (status: number, h: DohResponse['headers']) => {
      clearTimeout(timer);
      resolve({ status, headers: h, body: Buffer.concat(chunks) });
    };
    if (r.http1) {
      const req = httpsRequest({ host: '127.0.0.1', port: r.port, method, path, headers, ca: TEST_CA, servername: TEST_NAME, agent: false }, (res) => {
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(res.statusCode ?? 0, res.headers));
      });
      req.on('error', reject);
      req.end(r.body);
      return;
    }
    const session = h2Connect(`https://127.0.0.1:${r.port}`, { ca: TEST_CA, servername: TEST_NAME });
    session.on('error', reject);
    const stream = session.request({ ':method': method, ':path': path, ...headers });
    let status = 0;
    let h: DohResponse['headers'] = {};
    stream.on('response', (res) => {
      status = Number(res[':status']);
      h = res as DohResponse['headers'];
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      session.close();
      done(status, h);
    });
    stream.on('error', reject);
    stream.end(r.body);
  });
}
