/**
 * Where the operational log goes: each line written at once (these lines are rare), to a file
 * opened non-blocking, so a destination that stops reading (a FIFO, a stuck pipe) can never stall
 * the process. Found the hard way: with pino's synchronous file destination, a SIGUSR1 statistics
 * line written into a full FIFO blocked the event loop, and with it every answer. A line that
 * would block is dropped and counted instead (writes up to PIPE_BUF are atomic, so a line is
 * never half-written into a pipe).
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import type { LogTarget } from '../config/types.js';

/** Append, create (mode 0640), and never block: a FIFO whose reader stalls must not stall us. */
const FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK;

/** The descriptor for a log target: stderr, or the file opened with FLAGS. Throws when it cannot be opened. */
export function openLogTarget(target: LogTarget): number {
  return target.kind === 'file' ? openSync(target.path, FLAGS, 0o640) : 2;
}

/** A pino-compatible destination (it only needs `write`). */
export class OpsDestination {
  /** Lines dropped because the destination could not take them. */
  dropped = 0;
  #fd: number;

  constructor(private readonly target: LogTarget) {
    this.#fd = openLogTarget(target);
  }

  /** The file written to, or null for stderr. */
  get file(): string | null {
    return this.target.kind === 'file' ? this.target.path : null;
  }

  /** Writes one line now; drops it when the destination would block or is gone. */
  write(line: string): void {
    try {
      writeSync(this.#fd, line);
    } catch {
      this.dropped++;
    }
  }

  /** Opens the file again (logrotate moved it); throws, keeping the old descriptor, when it cannot. */
  reopen(): void {
    if (this.target.kind !== 'file') return;
    const fd = openLogTarget(this.target);
    closeSync(this.#fd);
    this.#fd = fd;
  }
}
