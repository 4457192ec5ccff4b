/**
 * A bounded asynchronous line writer: the hot path only appends to a queue; batches are written
 * with one fs.write in flight at a time. When the destination cannot keep up (slow disk, a pipe
 * nobody reads) lines beyond the bound are dropped and counted, never queued without limit
 * (issue #5; CoreDNS dnstap does the same). SIGUSR2 reopens a file (logrotate); on exit the
 * queue is flushed synchronously.
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { closeSync, fstatSync, write, writeSync } from 'node:fs';
import type { LogTarget } from '../config/types.js';
import { openLogTarget } from './ops-destination.js';

/** Where lines go: a file (append) or stderr. */
export type SinkTarget = LogTarget;

/** Produces the lines of queued items in one batch, as text or bytes (the expensive part runs here, off the hot path). */
export type BatchFormatter<T> = (items: readonly T[]) => string | Buffer;

/** What a sink does around opening its file. */
export interface SinkHooks {
  /** Runs before each open (at start and on reopen): makes the file ready, or throws. */
  readonly prepare?: () => void;
  /** A reopen failed: the sink goes on writing to the file it had. */
  readonly reopenFailed?: (err: Error) => void;
}

const RETRY_MS = 50;
const BATCH_MS = 5;
const BATCH_MAX = 512;
const SLOW_WRITE_MS = 5;
const ASYNC_AFTER_SLOW_MS = 10_000;

/**
 * With workers= several processes write to one destination. O_APPEND keeps each write() to a
 * regular file whole, but a pipe or socket (stderr under systemd or docker, a FIFO) only keeps
 * writes of up to PIPE_BUF (4096 bytes on Linux) whole; there batches go out in pieces of whole
 * lines no longer than that, so lines of different workers never interleave.
 */
const PIPE_BUF = 4096;

/** How many bytes of `buf` to write at once: all of it, or whole lines up to `limit` bytes. */
export function chunkLength(buf: Uint8Array, limit: number): number {
  if (buf.length <= limit) return buf.length;
  const cut = buf.lastIndexOf(0x0a, limit - 1);
  if (cut >= 0) return cut + 1;
  const end = buf.indexOf(0x0a);
  return end >= 0 ? end + 1 : buf.length;
}

/** A bounded queue of items drained into a file descriptor. */
export class LineSink<T> {
  /** Items dropped because the queue was full (cumulative). */
  lost = 0;
  #queue: T[] = [];
  #fd: number;
  /** Largest write that stays whole: unlimited for a regular file, PIPE_BUF otherwise. */
  #atomic = Infinity;
  #writing = false;
  /** The pending BATCH_MS drain, if any. */
  #timer: NodeJS.Timeout | null = null;
  #immediate = false;
  #reopen = false;
  #closed = false;
  readonly #extra: string[] = [];
  /** Items in the batch being written, counted as lost if the write fails. */
  #inFlight = 0;
  /** Until this time (performance.now() ms) file writes go through the thread pool (see #writeNow). */
  #asyncUntil = 0;

  /**
   * @param target where to write
   * @param bound most items waiting while a write is in flight; beyond it new ones are dropped
   * @param format turns a batch of items into text or bytes (with trailing newlines)
   * @param encoding of text (from `format` and note()): 'latin1' when it is ASCII only (a plain copy instead of UTF-8 encoding)
   * @param hooks what runs around opening the file
   */
  constructor(
    private readonly target: SinkTarget,
    private readonly bound: number,
    private readonly format: BatchFormatter<T>,
    private readonly encoding: 'utf8' | 'latin1' = 'utf8',
    private readonly hooks: SinkHooks = {},
  ) {
    this.#fd = this.#open();
  }

  /**
   * Queues one item; O(1). Returns false when it was dropped. While a write is in flight (a slow
   * destination) at most `bound` items wait, dnsmasq's log-async meaning; otherwise the batch being
   * collected may reach BATCH_MAX, when it is written at once.
   */
  push(item: T): boolean {
    if (this.#queue.length >= (this.#writing ? this.bound : Math.max(this.bound, BATCH_MAX))) {
      this.lost++;
      return false;
    }
    this.#queue.push(item);
    if (!this.#writing) this.#schedule();
    return true;
  }

  /** Queues a ready line (reports such as "N records lost"); never dropped, written with the next batch. */
  note(line: string): void {
    this.#extra.push(line);
    if (!this.#writing) this.#schedule();
  }

  /**
   * Batches writes: a drain runs BATCH_MS after the first queued item, or at the next turn of the
   * event loop once BATCH_MAX items are queued. Fewer, larger writes measured cheaper than one per
   * event-loop turn (bench "hit + log-queries").
   */
  #schedule(): void {
    if (this.#queue.length >= BATCH_MAX) {
      if (!this.#immediate) {
        this.#immediate = true;
        setImmediate(this.#drain);
      }
    } else if (this.#timer === null) {
      this.#timer = setTimeout(this.#drain, BATCH_MS).unref();
    }
  }

  /** Items waiting. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Closes and reopens a file destination once the current write is done (SIGUSR2). */
  reopen(): void {
    if (this.target.kind !== 'file') return;
    if (this.#writing) this.#reopen = true;
    else this.#doReopen();
  }

  /** Writes everything queued synchronously (exit path); a destination that would block loses the rest. */
  flushSync(): void {
    let buf = this.#take();
    if (buf.length === 0) return;
    try {
      while (buf.length > 0) {
        const n = writeSync(this.#fd, buf, 0, chunkLength(buf, this.#atomic));
        if (n <= 0) break;
        buf = buf.subarray(n);
      }
    } catch {
      // the destination is gone or would block; nothing more can be done at exit
      this.lost += this.#inFlight;
    }
  }

  /**
   * Waits for the write in flight (an exit while it sits in the thread pool would lose it), then
   * writes what is queued and closes.
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (let i = 0; this.#writing && i < 200; i++) await new Promise((r) => setTimeout(r, 5));
    this.flushSync();
    if (this.target.kind === 'file') closeSync(this.#fd);
  }

  #open(): number {
    this.hooks.prepare?.();
    const fd = openLogTarget(this.target);
    try {
      this.#atomic = fstatSync(fd).isFile() ? Infinity : PIPE_BUF;
    } catch {
      this.#atomic = PIPE_BUF;
    }
    return fd;
  }

  #doReopen(): void {
    this.#reopen = false;
    try {
      const fd = this.#open();
      closeSync(this.#fd);
      this.#fd = fd;
    } catch (err) {
      // keep writing to the old descriptor if the new file cannot be opened
      this.hooks.reopenFailed?.(err as Error);
    }
  }

  /** The notes and the queued items' lines, as one buffer (empty when there is nothing). */
  #take(): Buffer {
    const items = this.#queue;
    this.#inFlight = items.length;
    this.#queue = [];
    const extra = this.#extra.length ? this.#bytes(this.#extra.splice(0).join('')) : null;
    const lines = items.length ? this.#bytes(this.format(items)) : null;
    if (extra === null) return lines ?? Buffer.alloc(0);
    return lines === null ? extra : Buffer.concat([extra, lines]);
  }

  #bytes(out: string | Buffer): Buffer {
    return typeof out === 'string' ? Buffer.from(out, this.encoding) : out;
  }

  readonly #drain = (): void => {
    // A batch drained because it was full leaves its timer behind: cancel it, or it would drain the
    // next batch early, while still small (measured: 259 lines a write at 121k q/s instead of 512).
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#immediate = false;
    if (this.#writing || this.#closed) return;
    const buf = this.#take();
    if (buf.length === 0) return;
    if (this.#atomic === Infinity && performance.now() >= this.#asyncUntil) this.#writeNow(buf);
    else this.#writeAll(buf);
  };

  /**
   * Writes a batch to a regular file synchronously, from the drain (never from the query path).
   * Measured (bench "hit + log-queries"): handing each batch to libuv's thread pool cost a context
   * switch per batch, the largest single cost of logging. A write into the page cache takes
   * microseconds; one that takes longer than SLOW_WRITE_MS (a disk under pressure) sends the next
   * ASYNC_AFTER_SLOW_MS of writes to the thread pool, so a slow disk never stalls answers for long.
   */
  #writeNow(buf: Buffer): void {
    const t0 = performance.now();
    try {
      writeSync(this.#fd, buf);
    } catch {
      this.lost += this.#inFlight;
    }
    const t1 = performance.now();
    if (t1 - t0 > SLOW_WRITE_MS) this.#asyncUntil = t1 + ASYNC_AFTER_SLOW_MS;
    if (this.#reopen) this.#doReopen();
  }

  #writeAll(buf: Buffer): void {
    this.#writing = true;
    write(this.#fd, buf, 0, chunkLength(buf, this.#atomic), null, (err, n) => {
      if (err && (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK')) {
        if (this.#closed) {
          this.#writing = false; // closing: give up on a destination that cannot take it
          this.lost += this.#inFlight;
          return;
        }
        setTimeout(() => this.#writeAll(buf), RETRY_MS).unref();
        return;
      }
      if (!err && n < buf.length) return this.#writeAll(buf.subarray(n));
      if (err) this.lost += this.#inFlight;
      this.#writing = false;
      if (this.#closed) return;
      if (this.#reopen) this.#doReopen();
      if (this.#queue.length || this.#extra.length) this.#drain();
    });
  }
}
