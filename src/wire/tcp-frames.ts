/**
 * DNS over TCP framing (RFC 1035 §4.2.2): each message is preceded by its length as two bytes.
 * One reader for both ends of fandns (client connections and upstream connections).
 */
import { Buffer } from 'node:buffer';

/** Collects stream chunks and hands out whole messages, each in its own buffer. */
export class FrameReader {
  #buf: Buffer = Buffer.alloc(0);

  /** Adds a chunk and calls `onMessage` for every message it completes, in order. */
  push(chunk: Buffer, onMessage: (msg: Buffer) => void): void {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    while (this.#buf.length >= 2) {
      const len = this.#buf.readUInt16BE(0);
      if (this.#buf.length < 2 + len) break;
      const msg = Buffer.from(this.#buf.subarray(2, 2 + len));
      this.#buf = this.#buf.subarray(2 + len);
      onMessage(msg);
    }
  }

  /** True while part of a message is buffered (a frame has started but not arrived whole). */
  get partial(): boolean {
    return this.#buf.length > 0;
  }
}

/** `msg` with its two-byte length prefix. */
export function frame(msg: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(msg.length + 2);
  out.writeUInt16BE(msg.length, 0);
  out.set(msg, 2);
  return out;
}
