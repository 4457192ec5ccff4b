/**
 * A growable byte buffer that log lines are written into as ASCII bytes, so a batch is one copy
 * to write instead of a string built from pieces, flattened and then encoded (bench/README.md
 * "Query logging"). JSON string contents are written in ASCII only (RFC 8259 §7): control
 * characters, quotes, backslashes and everything above 0x7e are escaped (`\"`, `\\`, `\u00e9`), so
 * a batch stays valid UTF-8 on disk and is written as a plain copy.
 */
import { Buffer } from 'node:buffer';

const HEX = '0123456789abcdef';

/** True for a byte that a JSON string literal holds as it is (printable ASCII but `"` and `\`). */
const plain = (c: number): boolean => c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c;

/** See the file comment. */
export class AsciiBytes {
  #buf: Buffer;
  #at = 0;

  constructor(size = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(size);
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.#at;
  }

  /** Forgets what was written after the first `length` bytes. */
  truncate(length: number): void {
    this.#at = Math.min(this.#at, length);
  }

  /** Makes room for at least `n` more bytes. */
  room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#at + n));
    this.#buf.copy(next, 0, 0, this.#at);
    this.#buf = next;
  }

  /** Appends bytes made once (a constant stretch of a line). */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.#buf.set(b, this.#at);
    this.#at += b.length;
  }

  /** Appends `s`, whose characters the caller knows are plain ASCII (an IP address, a label made here). */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.#buf;
    let at = this.#at;
    for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i);
    this.#at = at;
  }

  /** Appends `s` as the inside of a JSON string literal, escaping what is not plain ASCII as \u00XX (or \uXXXX). */
  jsonBody(s: string): void {
    const n = s.length;
    this.room(6 * n);
    for (let i = 0; i < n; i++) this.jsonChar(s.charCodeAt(i));
  }

  /** Appends one character code as jsonBody does; the caller has made room for 6 bytes. */
  jsonChar(c: number): void {
    const buf = this.#buf;
    if (plain(c)) {
      buf[this.#at++] = c;
      return;
    }
    let at = this.#at;
    buf[at++] = 0x5c; // backslash
    if (c === 0x22 || c === 0x5c) {
      buf[at++] = c;
    } else {
      buf[at++] = 0x75; // u
      for (let shift = 12; shift >= 0; shift -= 4) buf[at++] = HEX.charCodeAt((c >>> shift) & 15);
    }
    this.#at = at;
  }

  /** Appends a non-negative integer below 2^53 in decimal. */
  uint(v: number): void {
    this.room(16);
    const buf = this.#buf;
    if (v < 10) {
      buf[this.#at++] = 0x30 + v;
      return;
    }
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    let at = this.#at + digits;
    this.#at = at;
    do {
      const q = Math.floor(v / 10);
      buf[--at] = 0x30 + (v - q * 10);
      v = q;
    } while (v > 0);
  }

  /** A copy of what was written since the last take(), and starts over. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.#at);
    this.#buf.copy(out, 0, 0, this.#at);
    this.#at = 0;
    return out;
  }
}

/** `s` as the inside of a JSON string literal, in ASCII bytes (AsciiBytes.jsonBody), for pieces made once. */
export function jsonBodyBytes(s: string): Buffer {
  const out = new AsciiBytes(6 * s.length + 1);
  out.jsonBody(s);
  return out.take();
}
