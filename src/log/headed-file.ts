/**
 * Files that begin with a fixed header and are then only appended to by any number of processes:
 * the dumpfile (a pcap header) and the dnstap file (a Frame Streams START frame). The header is
 * written at offset 0, not appended, so processes that make one new file at once (workers on
 * SIGUSR2) all write the same bytes at the same place, and the file gets one header even if
 * another has already appended records after it.
 */
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { ConfigError, ExitCode, type ErrorCode, type Origin } from '../errors.js';

/** Opens `path` for reading and writing at chosen offsets (no O_APPEND), creating it (mode 0600) if it is not there. */
function openForHeader(path: string): number {
  const code = (err: unknown) => (err as NodeJS.ErrnoException).code;
  try {
    return openSync(path, 'r+');
  } catch (err) {
    if (code(err) !== 'ENOENT') throw err;
  }
  try {
    return openSync(path, 'wx+', 0o600);
  } catch (err) {
    if (code(err) !== 'EEXIST') throw err; // another process made it just now
  }
  return openSync(path, 'r+');
}

/** The option that names a headed file, for the ConfigError that refuses it. */
export interface HeadedFileOption {
  readonly code: ErrorCode;
  /** The option's name (`dumpfile`) and its line. */
  readonly option: string;
  readonly origin: Origin;
  /** What the file must be to be appended to (`a pcap file of raw IP packets`). */
  readonly what: string;
}

/**
 * Makes `path` ready to be appended to: creates it (mode 0600: records may hold private names)
 * with `header`, writes the header into an empty file, or checks with `isOurs` (given the file's
 * first bytes, up to the header's length) that an existing file is one to append to. Otherwise
 * throws a ConfigError naming the option's line (exit code 3, as for files): the file cannot be
 * opened, or is not one to append to (it is never overwritten).
 */
export function prepareHeadedFile(path: string, header: Buffer, isOurs: (head: Buffer) => boolean, o: HeadedFileOption): void {
  const fail = (why: string): never => {
    throw new ConfigError(o.code, o.origin, why, ExitCode.FILE);
  };
  let fd = -1;
  try {
    fd = openForHeader(path);
  } catch (err) {
    fail(`cannot open ${o.option} ${path}: ${(err as Error).message}`);
  }
  try {
    const head = Buffer.alloc(header.length);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n === 0) writeSync(fd, header, 0, header.length, 0);
    else if (!isOurs(head.subarray(0, n))) fail(`${o.option} ${path} exists and is not ${o.what}; fandns only appends to one`);
  } finally {
    closeSync(fd);
  }
}
