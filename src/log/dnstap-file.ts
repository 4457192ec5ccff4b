/**
 * dnstap-file= (fandns): making the Frame Streams file ready before dnstap messages are appended
 * to it (log/dnstap-log.ts writes them). A file that exists is appended to if it is a dnstap file
 * fandns wrote (its START frame, no STOP frame, so several processes may append), and refused
 * otherwise; SIGUSR2 reopens it, as it does the log.
 */
import type { Origin } from '../errors.js';
import { isDnstapStart, startFrame } from '../wire/dnstap.js';
import { prepareHeadedFile } from './headed-file.js';

/**
 * Makes the dnstap file ready to be appended to: creates it (mode 0600) with the START frame,
 * writes that frame into an empty file, or checks that an existing file begins with it. Otherwise
 * throws a ConfigError naming the dnstap-file line (exit code 3, as for files).
 */
export function prepareDnstapFile(c: { readonly path: string; readonly origin: Origin }): void {
  prepareHeadedFile(c.path, startFrame(), isDnstapStart, { code: 'FANDNS_DNSTAP_FILE', option: 'dnstap-file', origin: c.origin, what: 'a dnstap file fandns wrote' });
}
