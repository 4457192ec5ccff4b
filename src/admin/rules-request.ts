/**
 * fandns admin-api: reads one HTTP request to /rules into what it asks. `GET /rules` lists the
 * runtime rules, `GET /rules/<domain>` shows one, `PUT /rules/<domain>` with the JSON body
 * `{"servers":["10.0.0.5#8600", …]}` sets one (each string in server= syntax after `/<domain>/`,
 * parsed by src/config/server-spec.ts so its errors read as a config line's would), and
 * `DELETE /rules/<domain>` removes one. Any other request is an AdminRequestError carrying the
 * HTTP status (400 bad input, 404 no such path, 405 wrong method).
 */
import { ConfigError, type Origin } from '../errors.js';
import { parseDomainPattern, parseServer } from '../config/server-spec.js';
import { namedClearText } from '../config/server-names.js';
import type { DomainRule } from '../config/types.js';

/** Where runtime rules come from, as messages and /explain print it. */
export const ADMIN_ORIGIN: Origin = { file: 'admin-api', line: 0 };

/** Largest PUT body read (a rule with a few hundred servers fits). */
export const MAX_BODY_BYTES = 64 * 1024;

/** A request the admin API refuses; `status` is the HTTP status to answer with. */
export class AdminRequestError extends Error {
  readonly code = 'FANDNS_ADMIN_REQUEST';
  constructor(readonly status: 400 | 404 | 405 | 413, message: string, readonly allow?: string) {
    super(message);
  }
}

/** One domain's runtime rule as set over the API: the server strings as given, and their parsed rules. */
export interface RuleSetting {
  readonly domain: string;
  readonly servers: readonly string[];
  readonly rules: readonly DomainRule[];
}

/** What a /rules request asks. */
export type AdminRequest =
  | { readonly op: 'list' }
  | { readonly op: 'show'; readonly domain: string }
  | { readonly op: 'set'; readonly setting: RuleSetting }
  | { readonly op: 'delete'; readonly domain: string };

/** True for the paths the admin API owns (`/rules` and below). */
export function isRulesPath(path: string): boolean {
  return path === '/rules' || path.startsWith('/rules/');
}

/** The canonical domain of `/rules/<domain>`: a plain domain, matched with its subdomains as in server=/domain/. */
function parseRuleDomain(raw: string): string {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    throw new AdminRequestError(400, `bad domain "${raw}": not valid percent-encoding`);
  }
  if (text === '' || text.includes('/')) throw new AdminRequestError(400, `bad domain "${text}": give one domain, as in /rules/service.consul`);
  const pattern = (() => {
    try {
      return parseDomainPattern(text, ADMIN_ORIGIN);
    } catch (err) {
      if (err instanceof ConfigError) throw new AdminRequestError(400, err.message);
      throw err;
    }
  })();
  if (pattern.match !== 'suffix') {
    throw new AdminRequestError(400, `bad domain "${text}": only a plain domain (it covers its subdomains), no wildcard, "#" or empty name`);
  }
  return pattern.name;
}

/** Parses a PUT body into the domain's rules; every server string is read as `server=/<domain>/<string>`. */
export function parseRuleBody(domain: string, body: string): RuleSetting {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new AdminRequestError(400, `body is not JSON: ${(err as Error).message}`);
  }
  const servers = (json as { servers?: unknown } | null)?.servers;
  if (typeof json !== 'object' || json === null || Array.isArray(json) || !Array.isArray(servers)) {
    throw new AdminRequestError(400, 'body must be {"servers": ["<address>[#<port>]", …]}');
  }
  const extra = Object.keys(json).filter((k) => k !== 'servers');
  if (extra.length > 0) throw new AdminRequestError(400, `unknown field "${extra[0]}" (only "servers")`);
  return ruleSetting(domain, servers);
}

/**
 * The rule setting for `domain` from its server strings, each read as `server=/<domain>/<string>`
 * (a PUT body's, or the ones a cluster primary passes to its workers); bad ones are 400s.
 */
export function ruleSetting(domain: string, servers: readonly unknown[]): RuleSetting {
  if (servers.length === 0) throw new AdminRequestError(400, 'servers is empty: DELETE the rule to remove it');
  const rules: DomainRule[] = [];
  for (const s of servers) {
    if (typeof s !== 'string') throw new AdminRequestError(400, `servers holds ${JSON.stringify(s)}: each server is a string, as after server=/${domain}/`);
    let parsed: DomainRule[];
    try {
      parsed = parseServer(`/${domain}/${s}`, ADMIN_ORIGIN);
    } catch (err) {
      if (err instanceof ConfigError) throw new AdminRequestError(400, `server "${s}": ${err.message}`);
      throw err;
    }
    // A clear-text server's name is looked up only when the configuration loads; an encrypted one's at each connection.
    if (parsed.some((r) => r.action.kind === 'forward' && namedClearText(r.action.server))) {
      throw new AdminRequestError(400, `server "${s}": give a clear-text server's address (host names are looked up only when the configuration loads)`);
    }
    rules.push(...parsed);
  }
  if (rules.length === 0) throw new AdminRequestError(400, 'no usable server (0.0.0.0 and :: are ignored, as in server=)');
  return { domain, servers: [...servers] as string[], rules };
}

/** Reads a request's method, path and body (null when none was read) into what it asks. */
export function parseAdminRequest(method: string, path: string, body: string | null): AdminRequest {
  if (path === '/rules' || path === '/rules/') {
    if (method === 'GET' || method === 'HEAD') return { op: 'list' };
    throw new AdminRequestError(405, `${method} is not allowed on /rules (GET lists the rules; PUT or DELETE /rules/<domain>)`, 'GET, HEAD');
  }
  if (!path.startsWith('/rules/')) throw new AdminRequestError(404, 'not found');
  const allow = 'GET, HEAD, PUT, DELETE';
  if (!['GET', 'HEAD', 'PUT', 'DELETE'].includes(method)) throw new AdminRequestError(405, `${method} is not allowed on /rules/<domain>`, allow);
  const domain = parseRuleDomain(path.slice('/rules/'.length));
  if (method === 'GET' || method === 'HEAD') return { op: 'show', domain };
  if (method === 'DELETE') return { op: 'delete', domain };
  return { op: 'set', setting: parseRuleBody(domain, body ?? '') };
}
