/**
 * A bounded queue drained into a Frame Streams socket (a dnstap collector's Unix or TCP socket,
 * as Unbound's dnstap-socket-path and CoreDNS's `dnstap unix://` write to). Each connection
 * begins with the bidirectional handshake (READY, ACCEPT, START; wire/fstrm.ts) and ends with
 * STOP and FINISH. The hot path only queues; batches are formatted and written every few
 * milliseconds, one write at a time. While the collector is away, or cannot keep up, up to
 * `bound` items wait and the rest are dropped and counted; the connection is tried again after
 * 1 s, doubling to 30 s.
 */
import { Buffer } from 'node:buffer';
import { connect, type Socket } from 'node:net';
import { controlFrame, FstrmControl, readControl, type ControlFrame } from '../wire/fstrm.js';
import type { BatchFormatter } from './line-sink.js';

/** A Unix socket's path, or a TCP address and port. */
export type SocketTarget = { readonly path: string } | { readonly host: string; readonly port: number };

/** What the socket tells: the collector took the stream, and why it is away (the first time of a run). */
export interface FrameSocketEvents {
  readonly connected: () => void;
  readonly failed: (err: Error) => void;
}

const BATCH_MS = 5;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** How long the collector has to ACCEPT, and to FINISH after STOP. */
const HANDSHAKE_MS = 5000;
const FINISH_MS = 1000;

/** A Frame Streams writer on a socket, reconnecting while it lives. */
export class FrameSocket<T> {
  /** Items dropped: the queue was full, or the stream closed before they could go. */
  lost = 0;
  #queue: T[] = [];
  #sock: Socket | null = null;
  /** True between the collector's ACCEPT (START sent) and the connection's end. */
  #open = false;
  /** True while the socket's buffer is full (until 'drain'). */
  #blocked = false;
  #batch: NodeJS.Timeout | null = null;
  #retry: NodeJS.Timeout | null = null;
  #retryMs = RETRY_FIRST_MS;
  /** True once the collector's absence was told, until it takes the stream again. */
  #failing = false;
  #closed = false;
  /** Settles close() once the collector sent FINISH or the connection ended. */
  #finished: (() => void) | null = null;

  /**
   * Connects at once.
   * @param contentType the stream's content type, offered in READY and sent in START
   * @param bound most items waiting; beyond it new ones are dropped
   * @param format turns a batch of items into data frames
   */
  constructor(
    private readonly target: SocketTarget,
    private readonly contentType: string,
    private readonly bound: number,
    private readonly format: BatchFormatter<T>,
    private readonly events: FrameSocketEvents,
  ) {
    this.#connect();
  }

  /** True while the collector has the stream (between its ACCEPT and the connection's end). */
  get connected(): boolean {
    return this.#open;
  }

  /** Queues `item` (or drops and counts it, the queue being full). */
  push(item: T): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.bound) {
      this.lost++;
      return;
    }
    this.#queue.push(item);
    if (this.#open && !this.#blocked && this.#batch === null) this.#batch = setTimeout(() => this.#flush(), BATCH_MS);
  }

  /** SIGUSR2: a collector that is away is tried again now rather than at the next retry. */
  reopen(): void {
    if (this.#retry === null || this.#closed) return;
    clearTimeout(this.#retry);
    this.#retry = null;
    this.#connect();
  }

  /** Writes what is queued, then STOP, and waits (a second at most) for the collector's FINISH. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    if (this.#batch !== null) clearTimeout(this.#batch);
    const sock = this.#sock;
    if (sock === null || !this.#open) {
      this.lost += this.#queue.length;
      this.#queue = [];
      sock?.destroy();
      return Promise.resolve();
    }
    if (this.#queue.length > 0) sock.write(this.#take());
    sock.write(controlFrame(FstrmControl.STOP));
    return new Promise((resolve) => {
      const timer = setTimeout(() => sock.destroy(), FINISH_MS);
      this.#finished = () => {
        clearTimeout(timer);
        sock.end();
        resolve();
      };
    });
  }

  /** The queue as data frames; the queue is left empty. */
  #take(): Buffer {
    const items = this.#queue;
    this.#queue = [];
    const out = this.format(items);
    return typeof out === 'string' ? Buffer.from(out, 'latin1') : out;
  }

  #flush(): void {
    this.#batch = null;
    if (!this.#open || this.#blocked || this.#queue.length === 0 || this.#sock === null) return;
    if (!this.#sock.write(this.#take())) this.#blocked = true;
  }

  #connect(): void {
    const t = this.target;
    const sock = 'path' in t ? connect(t.path) : connect(t.port, t.host).setNoDelay(true);
    this.#sock = sock;
    let seen: Buffer = Buffer.alloc(0);
    let why: Error | null = null;
    const handshake = setTimeout(() => sock.destroy(new Error(`no ACCEPT within ${HANDSHAKE_MS / 1000} s`)), HANDSHAKE_MS);
    sock.on('connect', () => sock.write(controlFrame(FstrmControl.READY, [this.contentType])));
    sock.on('data', (d: Buffer) => {
      seen = seen.length === 0 ? d : Buffer.concat([seen, d]);
      for (;;) {
        const r = readControl(seen);
        if (r === 'more') return;
        if ('error' in r) return void sock.destroy(new Error(`the collector sent ${r.error}`));
        seen = seen.subarray(r.size);
        this.#control(sock, r.frame, handshake);
      }
    });
    sock.on('drain', () => {
      this.#blocked = false;
      this.#flush();
    });
    sock.on('error', (err) => {
      why = err;
    });
    sock.on('close', () => {
      clearTimeout(handshake);
      this.#down(sock, why);
    });
  }

  /** A control frame from the collector: ACCEPT opens the stream, FINISH answers STOP; anything else ends the connection. */
  #control(sock: Socket, f: ControlFrame, handshake: NodeJS.Timeout): void {
    if (f.type === FstrmControl.FINISH && this.#finished !== null) return this.#finished();
    if (f.type !== FstrmControl.ACCEPT || this.#open) return void sock.destroy(new Error(`the collector sent control frame ${f.type} unasked`));
    // An ACCEPT without content types takes any (fstrm's rule); one with them must name ours.
    if (f.contentTypes.length > 0 && !f.contentTypes.includes(this.contentType)) {
      return void sock.destroy(new Error(`the collector does not accept ${this.contentType} (it accepts ${f.contentTypes.join(', ')})`));
    }
    clearTimeout(handshake);
    sock.write(controlFrame(FstrmControl.START, [this.contentType]));
    this.#open = true;
    this.#retryMs = RETRY_FIRST_MS;
    this.#failing = false;
    this.events.connected();
    this.#flush();
  }

  /** The connection ended: after close(), done; otherwise tell (once a run) and try again later. */
  #down(sock: Socket, why: Error | null): void {
    if (sock !== this.#sock) return;
    const wasOpen = this.#open;
    this.#sock = null;
    this.#open = false;
    this.#blocked = false;
    if (this.#batch !== null) clearTimeout(this.#batch);
    this.#batch = null;
    if (this.#closed) return void this.#finished?.();
    if (!this.#failing) {
      this.#failing = true;
      this.events.failed(why ?? new Error(wasOpen ? 'the collector closed the connection' : 'the connection closed before ACCEPT'));
    }
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#connect();
    }, this.#retryMs);
    this.#retry.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
  }
}
