/**
 * dig and kdig as test clients: run one against 127.0.0.1:PORT and parse its text output (the
 * last response it printed) into header, flags, EDNS and record sections. One parser reads both
 * programs' formats; they differ only in punctuation.
 */
import { run } from './tools.js';

/** One resource record as dig prints it. `data` is the presentation form, e.g. `0 0 8080 web.`. */
export interface DigRecord {
  readonly name: string;
  readonly ttl: number;
  readonly class: string;
  readonly type: string;
  readonly data: string;
}

/** The OPT pseudo-section. */
export interface DigEdns {
  readonly flags: readonly string[];
  readonly udpSize: number;
  /** The COOKIE line's text (hex plus dig's verdict such as `(good)`), or null. */
  readonly cookie: string | null;
}

/** A parsed response. */
export interface DigResult {
  /** RCODE mnemonic from the header, e.g. NOERROR. */
  readonly status: string;
  /** Header flags in lower case: qr, aa, tc, rd, ra, ad, cd. */
  readonly flags: readonly string[];
  readonly question: { readonly name: string; readonly class: string; readonly type: string } | null;
  readonly answer: readonly DigRecord[];
  readonly authority: readonly DigRecord[];
  readonly additional: readonly DigRecord[];
  readonly edns: DigEdns | null;
  /** Transport of the printed response, from the SERVER/From line. */
  readonly protocol: 'UDP' | 'TCP' | null;
  /** The client said the UDP reply was truncated and retried over TCP. */
  readonly retriedOverTcp: boolean;
  /** Lines starting with `;; Warning`/`;; WARNING` or `;; ERROR`. */
  readonly warnings: readonly string[];
  /** The whole output, for assertion messages. */
  readonly text: string;
}

const RECORD = /^(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s*(.*)$/;

function parseRecord(line: string): DigRecord | null {
  const m = RECORD.exec(line.trim());
  if (!m) return null;
  return { name: m[1]!, ttl: Number(m[2]), class: m[3]!, type: m[4]!, data: m[5]!.trim() };
}

function parseEdns(lines: readonly string[]): DigEdns | null {
  // dig:  "; EDNS: version: 0, flags: do; udp: 1232"
  // kdig: ";; Version: 0; flags: do; UDP size: 1232 B; ext-rcode: NOERROR"
  const line = lines.find((l) => /^;+ (EDNS: version|Version): \d+/.test(l));
  if (!line) return null;
  const flags = (/flags:([^;]*)/.exec(line)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const udpSize = Number(/(?:udp|UDP size): (\d+)/.exec(line)?.[1] ?? NaN);
  const cookieLine = lines.find((l) => /^;+ COOKIE: /.test(l));
  const cookie = cookieLine ? cookieLine.replace(/^;+ COOKIE: /, '').trim() : null;
  return { flags, udpSize, cookie };
}

/** Parses dig or kdig output; throws if no response header is in it. */
export function parseDigOutput(text: string): DigResult {
  const at = text.lastIndexOf(';; ->>HEADER<<-');
  if (at < 0) throw new Error(`no response in client output:\n${text}`);
  const lines = text.slice(at).split('\n').map((l) => l.replace(/\r$/, ''));
  const status = /status: (\w+)/.exec(lines[0]!)?.[1] ?? '';
  const flagLine = lines.find((l) => /^;; [Ff]lags:/.test(l)) ?? '';
  const flags = (/^;; [Ff]lags:([^;]*)/.exec(flagLine)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const sections: Record<string, DigRecord[]> = { ANSWER: [], AUTHORITY: [], ADDITIONAL: [] };
  let question: DigResult['question'] = null;
  let current: string | null = null;
  for (const line of lines) {
    const head = /^;; (\w+) SECTION:/.exec(line);
    if (head) {
      current = head[1]!;
      continue;
    }
    if (line.trim() === '' || (line.startsWith(';; ') && current !== 'QUESTION')) {
      current = null;
      continue;
    }
    if (current === 'QUESTION') {
      const q = /^;+\s*(\S+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (q) question = { name: q[1]!, class: q[2]!, type: q[3]! };
      continue;
    }
    if (current && sections[current]) {
      const rec = parseRecord(line);
      if (rec) sections[current]!.push(rec);
    }
  }
  const proto = /\((UDP|TCP)\)/.exec(lines.find((l) => /^;; (SERVER:|From) /.test(l)) ?? '')?.[1];
  return {
    status,
    flags,
    question,
    answer: sections['ANSWER']!,
    authority: sections['AUTHORITY']!,
    additional: sections['ADDITIONAL']!,
    edns: parseEdns(lines),
    protocol: proto === 'UDP' || proto === 'TCP' ? proto : null,
    retriedOverTcp: /Truncated, retrying in TCP mode|truncated reply from .*retrying over TCP/.test(text),
    warnings: text.split('\n').filter((l) => /^;; (Warning|WARNING|ERROR)/.test(l)),
    text,
  };
}

/** Parses output holding several responses (dig with several names), in order. */
export function parseEveryResponse(text: string): DigResult[] {
  const mark = ';; ->>HEADER<<-';
  return text.split(mark).slice(1).map((chunk) => parseDigOutput(mark + chunk));
}

/** Runs `dig @127.0.0.1 -p PORT … args` (one try, 2 s) and returns its whole output. */
export async function digText(port: number, args: readonly string[]): Promise<string> {
  const r = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args]);
  if (r.code !== 0) throw new Error(`dig exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Runs `dig @127.0.0.1 -p PORT … args` (one try, 2 s) and parses the output. */
export async function dig(port: number, args: readonly string[]): Promise<DigResult> {
  return parseDigOutput(await digText(port, args));
}

/** Runs `kdig @127.0.0.1 -p PORT … args` (one try, 2 s) and parses the output. */
export async function kdig(port: number, args: readonly string[]): Promise<DigResult> {
  const r = await run('kdig', ['@127.0.0.1', '-p', String(port), '+time=2', '+retry=0', ...args]);
  if (r.code !== 0) throw new Error(`kdig exited ${r.code}: ${r.stdout}${r.stderr}`);
  return parseDigOutput(r.stdout + r.stderr);
}

/** A record without its TTL, as `name type data` with the name lower-cased: for comparing servers. */
export function withoutTtl(r: DigRecord): string {
  return `${r.name.toLowerCase()} ${r.class} ${r.type} ${r.data}`;
}
