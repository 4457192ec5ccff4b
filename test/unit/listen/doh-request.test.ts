/**
 * What a DNS-over-HTTPS request asks (RFC 8484 §4.1): GET's base64url `dns` parameter and POST's
 * body, on /dns-query only; every other request gets its HTTP status (404, 405, 415, 400, 413).
 * And the reply's freshness lifetime (§5.1): its smallest answer or authority TTL.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import dnsPacket from 'dns-packet';
import { checkBody, dohQuery, isRefusal, replyMaxAge, type DohRefusal } from '../../../src/listen/doh-request.js';

const QUERY = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'www.example', class: 'IN' }] });
const B64 = QUERY.toString('base64url');

const status = (x: ReturnType<typeof dohQuery>): number => (isRefusal(x as Buffer | DohRefusal) ? (x as DohRefusal).status : 200);
const get = (url: string) => dohQuery({ method: 'GET', url, contentType: undefined });

describe('dohQuery', () => {
  it('decodes GET /dns-query?dns= (base64url without padding, other parameters ignored)', () => {
    assert.deepEqual(get(`/dns-query?dns=${B64}`), QUERY);
    assert.deepEqual(get(`/dns-query?ct=x&dns=${B64}`), QUERY);
    assert.ok(!B64.includes('='));
  });

  it('takes a POST of application/dns-message (parameters after ";" allowed), whose body comes next', () => {
    assert.equal(dohQuery({ method: 'POST', url: '/dns-query', contentType: 'application/dns-message' }), 'body');
    assert.equal(dohQuery({ method: 'POST', url: '/dns-query', contentType: 'Application/DNS-Message; charset=x' }), 'body');
  });

  it('refuses other paths, methods and media types, and a GET without a usable dns parameter', () => {
    assert.equal(status(get(`/resolve?dns=${B64}`)), 404);
    assert.equal(status(get(`/dns-query/?dns=${B64}`)), 404);
    assert.equal(status(dohQuery({ method: 'PUT', url: '/dns-query', contentType: 'application/dns-message' })), 405);
    assert.equal(status(dohQuery({ method: 'POST', url: '/dns-query', contentType: 'application/json' })), 415);
    assert.equal(status(dohQuery({ method: 'POST', url: '/dns-query', contentType: undefined })), 415);
    assert.equal(status(get('/dns-query')), 400);
    assert.equal(status(get('/dns-query?dns=a+b/c')), 400);
    assert.equal(status(get('/dns-query?dns=AAAA')), 400);
  });
});

describe('checkBody', () => {
  it('takes 12 to 65,535 octets', () => {
    assert.equal(checkBody(QUERY), QUERY);
    assert.equal((checkBody(Buffer.alloc(11)) as DohRefusal).status, 400);
    assert.equal((checkBody(Buffer.alloc(65536)) as DohRefusal).status, 413);
    assert.ok(Buffer.isBuffer(checkBody(Buffer.alloc(65535))));
  });
});

describe('replyMaxAge', () => {
  const reply = (answers: { ttl: number }[], authorities: { ttl: number; minimum?: number }[] = []): Buffer => dnsPacket.encode({
    type: 'response', id: 0, flags: 0, questions: [{ type: 'A', name: 'www.example', class: 'IN' }],
    answers: answers.map((a, i) => ({ type: 'A', name: 'www.example', ttl: a.ttl, data: `192.0.2.${i + 1}` })),
    authorities: authorities.map((a) => ({ type: 'SOA', name: 'example', ttl: a.ttl, data: { mname: 'ns.example', rname: 'h.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: a.minimum ?? 3600 } })),
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: [] }],
  } as never);

  it('is the smallest answer or authority TTL, the OPT record aside', () => {
    assert.equal(replyMaxAge(reply([{ ttl: 300 }, { ttl: 45 }, { ttl: 120 }])), 45);
    assert.equal(replyMaxAge(reply([], [{ ttl: 900 }])), 900);
    assert.equal(replyMaxAge(reply([{ ttl: 30 }], [{ ttl: 5 }])), 5);
  });

  it('is at most the SOA MINIMUM of a reply without answers (RFC 8484 §5.1), not of one with answers', () => {
    assert.equal(replyMaxAge(reply([], [{ ttl: 300, minimum: 45 }])), 45);
    assert.equal(replyMaxAge(reply([], [{ ttl: 30, minimum: 45 }])), 30);
    assert.equal(replyMaxAge(reply([{ ttl: 100 }], [{ ttl: 300, minimum: 45 }])), 100);
  });

  it('is 0 for a reply without records, or one that does not scan', () => {
    assert.equal(replyMaxAge(reply([])), 0);
    assert.equal(replyMaxAge(Buffer.from([1, 2, 3])), 0);
  });
});
