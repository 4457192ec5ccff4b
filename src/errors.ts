/**
 * Typed errors with stable codes. Expected run-time failures (timeouts, dead upstreams) become DNS
 * replies, not exceptions; these are for configuration, start-up and programming errors.
 */

/** Every error code fandns raises, with what it means. Codes never change once released. */
export const ErrorCodes = {
  FANDNS_CONFIG_SYNTAX: 'a config line cannot be parsed',
  FANDNS_CONFIG_VALUE: 'a config value is out of range or of the wrong form',
  FANDNS_CONFIG_UNKNOWN: 'an unknown config option',
  FANDNS_CONFIG_REPEATED: 'a single-valued option given twice in config files',
  FANDNS_CONFIG_FILE: 'a config file or directory cannot be read',
  FANDNS_CONFIG_CYCLE: 'config files include each other in a cycle',
  FANDNS_DUMP_FILE: 'the dumpfile cannot be opened, or is not a pcap file of raw IP packets',
  FANDNS_DNSTAP_FILE: 'the dnstap-file cannot be opened, or is not a dnstap file fandns wrote',
  FANDNS_CONFIG_SCRIPT: 'a conf-script failed, was killed, ran too long or wrote too much',
  FANDNS_CONFIG_CONFLICT: 'two config lines contradict each other',
  FANDNS_LISTEN: 'a listening socket cannot be opened',
  FANDNS_PRIVILEGES: 'privileges cannot be dropped',
  FANDNS_CACHE_FILE: 'a cache file cannot be read, is damaged, or was written by another version or configuration',
  FANDNS_BOOTSTRAP_LOOKUP: 'a server\'s host name gave no address through bootstrap-server= (or there is none)',
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

/** Base class: a message plus a stable `code`. */
export class FandnsError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FandnsError';
    this.code = code;
  }
}

/** Where a config line came from: a file and a 1-based line, or the command line (line 0). */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

/** Formats an origin the way every message prints it: `file:line`, or `command line`. */
export function formatOrigin(o: Origin): string {
  return o.line > 0 ? `${o.file}:${o.line}` : o.file;
}

/** Exit codes, as dnsmasq uses them (reference §6.8): 1 config, 2 network, 3 file access. */
export const ExitCode = { OK: 0, CONFIG: 1, NETWORK: 2, FILE: 3, OTHER: 5 } as const;

/** A configuration error; its message starts with `file:line: `. */
export class ConfigError extends FandnsError {
  readonly origin: Origin;
  readonly exitCode: number;
  constructor(code: ErrorCode, origin: Origin, message: string, exitCode: number = ExitCode.CONFIG) {
    super(code, `${formatOrigin(origin)}: ${message}`);
    this.name = 'ConfigError';
    this.origin = origin;
    this.exitCode = exitCode;
  }
}
