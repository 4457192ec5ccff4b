/**
 * dnsdist (PowerDNS's DNS load balancer) as a DNS-over-HTTPS front for a real DNS server in
 * interop tests: it accepts DoH (RFC 8484, HTTP/2 via h2o) on 127.0.0.1 and a free port at
 * `/dns-query`, with the test CA's certificate (test/fixtures/tls), and forwards each query over
 * plain DNS to a backend on 127.0.0.1. Nothing leaves 127.0.0.0/8: no console (no controlSocket),
 * no webserver, no carbon, and no security poll (`setSecurityPollSuffix('')`; by default dnsdist
 * asks the system's resolvers for a TXT record under secpoll.powerdns.com). Its health checks of
 * the backend ask `version.bind CH TXT`, which dnsmasq answers itself. It runs in the foreground
 * (`--supervised`: no console on stdin), logs to stdout (`--disable-syslog`), with a line per
 * query from a LuaAction (name, type, client port, HTTP authority and path: see LOG_ACTION), and
 * is stopped by its PID only. It needs no root: it binds high ports and reads a key its user owns.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild, trackChild } from './dnsmasq.js';
import { freePort } from './fake-upstream.js';
import { accepts, TLS_FIXTURE } from './stunnel.js';
import { which } from './tools.js';
import { sleep } from './wait.js';

/** The path dnsdist answers DoH on; any other gets HTTP 404. */
export const DOH_PATH = '/dns-query';

/** A running dnsdist. */
export interface RunningDnsdist {
  /** Its DNS-over-HTTPS port on 127.0.0.1. */
  readonly port: number;
  /** Its log so far (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
}

/** One query as the helper's Lua action logs it, before dnsdist forwards it. */
export interface DnsdistQuery {
  /** The name asked, as dnsdist prints it (absolute: `www.example.`). */
  readonly name: string;
  /** The QTYPE number. */
  readonly qtype: number;
  /** The client's source port: one per connection. */
  readonly clientPort: number;
  /** dnsdist's name for the transport, e.g. `DNS over HTTPS`. */
  readonly protocol: string;
  /** The HTTP `:authority` (Host) and path of a DoH query ('' for other transports). */
  readonly host: string;
  readonly path: string;
}

const QUERY_LINE = /^fandns-test query (\S+) (\d+) from 127\.0\.0\.1:(\d+) over (.+?) host (\S*) path (\S*)$/gm;

/** The queries dnsdist logged in `log` (see the LuaAction in startDnsdist). */
export function dnsdistQueries(log: string): DnsdistQuery[] {
  return [...log.matchAll(QUERY_LINE)].map((m) => ({
    name: m[1]!, qtype: Number(m[2]), clientPort: Number(m[3]), protocol: m[4]!, host: m[5]!, path: m[6]!,
  }));
}

/**
 * Logs every query before dnsdist forwards it: name, QTYPE, client address and port, transport and,
 * for DoH, the HTTP authority and path. `-v` would log queries too, but dnsdist 1.7.3
 * crashes with it: its verbose line reads the query's state after handing the query to the
 * backend, and when the answer is already back (dnsmasq on loopback, ~100 µs) that state is reset,
 * the log call throws "Attempt to print an unset dnsname", the error path answers the same HTTP/2
 * stream a second time, and h2o aborts (`finalostream_send: Assertion stream->_data.size == 0`;
 * PowerDNS/pdns#12645). A LuaAction runs before the query is sent, so it has no such race.
 */
const LOG_ACTION = `addAction(AllRule(), LuaAction(function(dq)
  local http = dq:getProtocol() == 'DNS over HTTPS'
  infolog(string.format('fandns-test query %s %d from %s over %s host %s path %s',
    dq.qname:toString(), dq.qtype, dq.remoteaddr:toStringWithPort(), dq:getProtocol(),
    http and dq:getHTTPHost() or '', http and dq:getHTTPPath() or ''))
  return DNSAction.None, ''
end))`;

/** A Lua string literal for dnsdist's configuration. */
const lua = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Starts dnsdist answering DoH with `server.pem` at /dns-query and forwarding to
 * 127.0.0.1:`backendPort`; resolves once it accepts connections and has marked the backend up.
 * Tries other ports if the chosen ones were taken meanwhile.
 */
export async function startDnsdist(backendPort: number): Promise<RunningDnsdist> {
  const bin = which('dnsdist');
  if (!bin) throw new Error('dnsdist not installed');
  const dir = mkdtempSync(join(tmpdir(), 'fandns-dnsdist-'));
  const conf = join(dir, 'dnsdist.conf');
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let plainPort = await freePort();
    while (plainPort === port) plainPort = await freePort();
    writeFileSync(conf, [
      "setSecurityPollSuffix('')",
      `setACL({'127.0.0.0/8'})`,
      // dnsdist always listens for plain DNS too; a free high port, on loopback only.
      `setLocal(${lua(`127.0.0.1:${plainPort}`)})`,
      `addDOHLocal(${lua(`127.0.0.1:${port}`)}, ${lua(TLS_FIXTURE('server.pem'))}, ${lua(TLS_FIXTURE('server.key'))}, ${lua(DOH_PATH)})`,
      `newServer({address=${lua(`127.0.0.1:${backendPort}`)}, checkName='version.bind', checkType='TXT', checkClass=DNSClass.CHAOS})`,
      LOG_ACTION,
      '',
    ].join('\n'));
    // dnsdist 1.7.3 does not stop when it cannot read its -C file: it warns "Unable to read
    // configuration", listens on 127.0.0.1:53 and runs its security poll against the system's
    // resolvers (it did once, while this helper was written). So the file must be there before it starts.
    accessSync(conf, constants.R_OK);
    const child = spawn(bin, ['--supervised', '--disable-syslog', '-C', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 100 && child.exitCode === null && child.signalCode === null && !/Unable to read configuration/.test(out); i++) {
      if (/Marking downstream \S+ as 'up'/.test(out) && (await accepts(port))) {
        return {
          port,
          log: () => out,
          stop: async () => {
            await stopChild(child);
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      await sleep(50);
    }
    await stopChild(child);
    last = out;
    if (!/Address already in use/i.test(out)) break;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`dnsdist did not start: ${last.trim() || 'no output'}`);
}
