/**
 * The question of a GET /explain request: `name` (required), `type` (a mnemonic or number; A by
 * default) and `resolve` (`0` to leave the pipeline alone and report only what the configuration
 * and the cache say). Class IN only, as the question of a client would be.
 */
import { RRType, typeFromName } from '../wire/constants.js';
import { canonicalName, encodeName } from '../wire/name.js';

/** What an /explain request asks. */
export interface ExplainRequest {
  /** Dotted, lower case, no trailing dot ('' for the root). */
  readonly name: string;
  readonly qtype: number;
  /** Run the question through the pipeline (the default) or only look. */
  readonly resolve: boolean;
}

/** A request that cannot be explained; the endpoint answers 400 with the message. */
export class ExplainRequestError extends Error {
  readonly code = 'FANDNS_EXPLAIN_REQUEST';
}

/** Reads the request from a URL's query string; throws ExplainRequestError for a bad one. */
export function parseExplainRequest(params: URLSearchParams): ExplainRequest {
  const raw = params.get('name');
  if (raw === null || raw.trim() === '') throw new ExplainRequestError('name= is required, e.g. /explain?name=web.service.consul&type=A');
  const name = canonicalName(raw.trim());
  try {
    encodeName(name);
  } catch {
    throw new ExplainRequestError(`"${raw}" is not a domain name (labels of 1-63 bytes, 255 in all)`);
  }
  const typeText = (params.get('type') ?? 'A').trim();
  const qtype = /^\d{1,5}$/.test(typeText) ? Number(typeText) : typeFromName(typeText.toUpperCase());
  if (qtype === undefined || qtype < 1 || qtype > 0xffff || qtype === RRType.OPT) {
    throw new ExplainRequestError(`"${typeText}" is not a query type`);
  }
  const resolve = params.get('resolve');
  if (resolve !== null && resolve !== '0' && resolve !== '1') throw new ExplainRequestError('resolve= takes 0 or 1');
  return { name, qtype, resolve: resolve !== '0' };
}
