/**
 * EDNS(0) Padding for queries sent over an encrypted transport (RFC 7830; RFC 8467 §4.1, the
 * recommended Block-Length Padding: queries padded to a multiple of 128 octets), so that the
 * length of a TLS record does not tell an observer which name was asked. Pure: returns a new
 * message, or the query itself when it cannot be read.
 */
import { Buffer } from 'node:buffer';
import { editOptions, findOption, OPTION_HEAD } from './edns-options.js';
import { MAX_MESSAGE } from './constants.js';
import { u16 } from './header.js';
import { scanMessage, type RecordSpan } from './layout.js';
import { OPT_SIZE } from './opt.js';

/** RFC 7830 §4: the Padding option's code. */
export const PADDING_OPTION = 12;

/** RFC 8467 §4.1: the block length queries are padded to. */
export const QUERY_BLOCK = 128;

/** The UDP size an OPT record added only to carry padding advertises (the usual EDNS default). */
const ADDED_OPT_UDP_SIZE = 1232;

const NONE = new Uint8Array(0);
const notPadding = (code: number): boolean => code !== PADDING_OPTION;

/**
 * A copy of `query` padded to a multiple of `block` octets with a Padding option of zeros (RFC
 * 7830 §3) in its OPT record, which is added when the query has none (advertising 1232 octets, no
 * flags). A Padding option it already carries is replaced; every other option is kept in order.
 * A query that does not scan is returned as it is.
 */
export function padQuery(query: Buffer, block = QUERY_BLOCK): Buffer {
  const layout = scanMessage(query);
  return layout === null ? query : padScanned(query, layout.opt, block);
}

/** `msg` padded to a multiple of `block` octets, its OPT record (if any) at `opt`: see padQuery. */
function padScanned(msg: Buffer, opt: RecordSpan | null, block: number): Buffer {
  // The length with an OPT record but no Padding option; the option's head and data come on top.
  const bare = opt === null ? msg.length + OPT_SIZE : editOptions(msg, opt.start, notPadding, NONE, 0).length;
  const fill = (block - ((bare + OPTION_HEAD) % block)) % block;
  const option = Buffer.alloc(OPTION_HEAD + fill);
  option.writeUInt16BE(PADDING_OPTION, 0);
  option.writeUInt16BE(fill, 2);
  const udpSize = opt === null ? ADDED_OPT_UDP_SIZE : u16(msg, opt.start + 3);
  return editOptions(msg, opt === null ? -1 : opt.start, notPadding, option, udpSize);
}

/** RFC 8467 §4.1: the block length responses are padded to. */
export const REPLY_BLOCK = 468;

/**
 * A copy of `reply` padded to a multiple of `block` octets (RFC 7830, with RFC 8467 §4.1's block
 * for responses over an encrypted transport). Only a reply that carries an OPT record is padded
 * (RFC 6891 §7: none is added to a reply whose query had none); one that does not scan, or that
 * padding would take past 65,535 octets, is returned as it is.
 */
export function padReply(reply: Buffer, block = REPLY_BLOCK): Buffer {
  const opt = scanMessage(reply)?.opt;
  if (opt == null) return reply;
  const padded = padScanned(reply, opt, block);
  return padded.length > MAX_MESSAGE ? reply : padded;
}

/**
 * A copy of `reply` without the Padding option in its OPT record at `opt`, or null when it has
 * none. Padding belongs to the encrypted hop it crossed (RFC 7830 §3; RFC 6891 §6.1.1: OPT is
 * hop-by-hop): passed on over clear text it would only make the reply longer.
 */
export function unpadded(reply: Buffer, opt: RecordSpan | null): Buffer | null {
  if (opt === null || findOption(reply, opt.start, PADDING_OPTION) < 0) return null;
  return editOptions(reply, opt.start, notPadding, NONE, 0);
}
