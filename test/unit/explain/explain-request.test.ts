/** The question of GET /explain: name made canonical, type by mnemonic or number, resolve=0|1, errors. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { ExplainRequestError, parseExplainRequest } from '../../../src/explain/explain-request.js';

const parse = (q: string) => parseExplainRequest(new URLSearchParams(q));

describe('parseExplainRequest', () => {
  it('reads a name (canonical), a type (A by default) and resolve (on by default)', () => {
    assert.deepEqual(parse('name=Web.Service.Consul.'), { name: 'web.service.consul', qtype: 1, resolve: true });
    assert.deepEqual(parse('name=x.test&type=srv&resolve=0'), { name: 'x.test', qtype: 33, resolve: false });
    assert.deepEqual(parse('name=x.test&type=65280'), { name: 'x.test', qtype: 65280, resolve: true });
    assert.deepEqual(parse('name=x.test&type=TYPE99'), { name: 'x.test', qtype: 99, resolve: true });
  });

  it('refuses a missing or bad name, type or resolve with an ExplainRequestError', () => {
    for (const q of ['', 'name=', 'name=%20', `name=${'a'.repeat(64)}`, 'name=a..b', 'name=x&type=0', 'name=x&type=70000', 'name=x&type=OPT', 'name=x&type=BOGUS', 'name=x&resolve=true']) {
      assert.throws(() => parse(q), (e: unknown) => e instanceof ExplainRequestError && e.code === 'FANDNS_EXPLAIN_REQUEST', q);
    }
  });
});
