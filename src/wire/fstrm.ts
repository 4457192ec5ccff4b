/**
 * Frame Streams (fstrm, the framing dnstap travels in) control frames: an escape (a zero length),
 * the control frame's length, its type, and its fields, each a type, a length and bytes; all
 * 32-bit big-endian. A file holds START, data frames and STOP; a bidirectional socket adds the
 * handshake: the writer sends READY with the content types it offers, the reader ACCEPT with the
 * ones it takes, then the writer START; at the end STOP, answered by FINISH. Pure.
 */
import { Buffer } from 'node:buffer';

/** Control frame types. */
export const FstrmControl = { ACCEPT: 1, START: 2, STOP: 3, READY: 4, FINISH: 5 } as const;

/** The one control field type: a content type. */
const CONTENT_TYPE_FIELD = 1;

/** Longest control frame a reader takes (fstrm's limit); a longer one ends the connection. */
export const CONTROL_FRAME_MAX = 512;

/** A control frame of `type` with a content type field for each of `contentTypes`. */
export function controlFrame(type: number, contentTypes: readonly string[] = []): Buffer {
  const fields = contentTypes.map((t) => Buffer.from(t, 'latin1'));
  const length = 4 + fields.reduce((n, f) => n + 8 + f.length, 0);
  const out = Buffer.alloc(8 + length);
  out.writeUInt32BE(0, 0);
  out.writeUInt32BE(length, 4);
  out.writeUInt32BE(type, 8);
  let off = 12;
  for (const f of fields) {
    out.writeUInt32BE(CONTENT_TYPE_FIELD, off);
    out.writeUInt32BE(f.length, off + 4);
    f.copy(out, off + 8);
    off += 8 + f.length;
  }
  return out;
}

/** A control frame read: its type and the content types it names. */
export interface ControlFrame {
  readonly type: number;
  readonly contentTypes: readonly string[];
}

/** What readControl found at the start of the bytes: a frame and its size, more bytes needed, or why they are not a control frame. */
export type ControlRead = { readonly frame: ControlFrame; readonly size: number } | 'more' | { readonly error: string };

/** Reads the control frame `b` begins with (a reader's ACCEPT or FINISH, say). */
export function readControl(b: Buffer): ControlRead {
  if (b.length < 8) return 'more';
  if (b.readUInt32BE(0) !== 0) return { error: 'a data frame where a control frame was due' };
  const length = b.readUInt32BE(4);
  if (length < 4 || length > CONTROL_FRAME_MAX) return { error: `a control frame of ${length} bytes` };
  if (b.length < 8 + length) return 'more';
  const end = 8 + length;
  const contentTypes: string[] = [];
  for (let off = 12; off < end;) {
    if (off + 8 > end) return { error: 'a control field cut short' };
    const type = b.readUInt32BE(off);
    const size = b.readUInt32BE(off + 4);
    if (off + 8 + size > end) return { error: 'a control field longer than its frame' };
    if (type === CONTENT_TYPE_FIELD) contentTypes.push(b.toString('latin1', off + 8, off + 8 + size));
    off += 8 + size;
  }
  return { frame: { type: b.readUInt32BE(8), contentTypes }, size: end };
}
