/**
 * Planning the privilege drop: nothing to do when not root or when the user is root; the
 * user's own group by default; unknown accounts are a FANDNS_PRIVILEGES error with dnsmasq's
 * message and exit code 1. The drop itself needs root and is checked by the CLI tests.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { planPrivilegeDrop, PrivilegeError, type AccountLookup } from '../../../src/process/privileges.js';
import { findGroup, findUser } from '../../../src/process/accounts.js';

const lookup: AccountLookup = {
  user: (k) => findUser('root:x:0:0::/:\nnobody:x:65534:65534::/:\nfandns:x:998:997::/:\norphan:x:900:900::/:', k),
  group: (k) => findGroup('root:x:0:\nnogroup:x:65534:\nfandns:x:997:\ndip:x:30:', k),
};
const plan = (user: string, group: string | null, euid: number) => planPrivilegeDrop({ user, group, workers: 1, pidFile: null }, euid, lookup);

describe('planPrivilegeDrop', () => {
  it('does nothing when the process is not root, whatever the options say', () => {
    assert.equal(plan('nosuchuser', 'nosuchgroup', 1000), null);
    assert.equal(plan('nobody', null, 65534), null);
  });

  it('keeps root for user=root', () => {
    assert.equal(plan('root', null, 0), null);
    assert.equal(plan('root', 'dip', 0), null);
  });

  it("switches to the user and, by default, the user's own group", () => {
    assert.deepEqual(plan('nobody', null, 0), { user: 'nobody', uid: 65534, group: 'nogroup', gid: 65534 });
    assert.deepEqual(plan('fandns', null, 0), { user: 'fandns', uid: 998, group: 'fandns', gid: 997 });
    assert.deepEqual(plan('orphan', null, 0), { user: 'orphan', uid: 900, group: '900', gid: 900 }, 'a primary group without a name');
  });

  it('takes group= when given, by name or ID', () => {
    assert.deepEqual(plan('fandns', 'dip', 0), { user: 'fandns', uid: 998, group: 'dip', gid: 30 });
    assert.deepEqual(plan('998', '65534', 0), { user: 'fandns', uid: 998, group: 'nogroup', gid: 65534 });
  });

  it('refuses an unknown user or group with a stable code, exit code 1 and dnsmasq\'s message', () => {
    for (const [user, group, bad] of [['nosuchuser', null, 'nosuchuser'], ['nobody', 'nosuchgroup', 'nosuchgroup']] as const) {
      assert.throws(() => plan(user, group, 0), (err: unknown) => {
        assert.ok(err instanceof PrivilegeError);
        assert.equal(err.code, 'FANDNS_PRIVILEGES');
        assert.equal(err.exitCode, 1);
        assert.equal(err.message, `unknown user or group: ${bad}`);
        return true;
      });
    }
  });
});
