/**
 * The account-database readers behind user= and group=: names and numeric IDs, comments, short
 * and malformed lines.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { findGroup, findUser } from '../../../src/process/accounts.js';

const PASSWD = [
  '# a comment:x:1:1',
  'root:x:0:0:root:/root:/bin/bash',
  'broken:x:notanumber:1::/:/bin/false',
  'short:x',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  'fandns:x:998:997::/var/lib/fandns:/usr/sbin/nologin',
].join('\n');
const GROUP = ['root:x:0:', 'nogroup:x:65534:', 'fandns:x:997:', 'dip:x:30:alice,bob'].join('\n');

describe('account database', () => {
  it('finds users by name and by numeric ID, with their primary group', () => {
    assert.deepEqual(findUser(PASSWD, 'nobody'), { name: 'nobody', uid: 65534, gid: 65534 });
    assert.deepEqual(findUser(PASSWD, '998'), { name: 'fandns', uid: 998, gid: 997 });
    assert.deepEqual(findUser(PASSWD, 'root'), { name: 'root', uid: 0, gid: 0 });
  });

  it('finds groups by name and by numeric ID', () => {
    assert.deepEqual(findGroup(GROUP, 'dip'), { name: 'dip', gid: 30 });
    assert.deepEqual(findGroup(GROUP, '65534'), { name: 'nogroup', gid: 65534 });
  });

  it('returns null for unknown, commented, short and malformed entries', () => {
    for (const key of ['nosuchuser', '# a comment', 'short', 'broken', '12345', '']) assert.equal(findUser(PASSWD, key), null, key);
    assert.equal(findGroup(GROUP, 'wheel'), null);
    assert.equal(findGroup('', 'root'), null);
  });
});
