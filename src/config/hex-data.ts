/**
 * Hex data as dnsmasq 2.90 reads it for dns-rr (util.c parse_hex): groups of hex digits separated
 * by ':', '-' or spaces, empty groups skipped. Each group is read two digits at a time from the
 * left, so an odd last digit is a byte of its own: `abc` is AB 0C and `1:2:3` is 01 02 03
 * (checked against the binary). Pure.
 */
import { Buffer } from 'node:buffer';

/** The bytes `text` spells, or null when it holds anything but hex digits and separators. */
export function hexBytes(text: string): Buffer | null {
  const out: number[] = [];
  for (const group of text.split(/[:\- ]/)) {
    if (!/^[0-9a-fA-F]*$/.test(group)) return null;
    for (let i = 0; i < group.length; i += 2) out.push(parseInt(group.slice(i, i + 2), 16));
  }
  return Buffer.from(out);
}
