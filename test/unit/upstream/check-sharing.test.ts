/**
 * Which worker checks a server: exactly one of the workers for every key, the same answer in every
 * process (a per-process hash seed would let two workers check a server, or none); and a worker
 * that covers slots being refilled checks their servers besides its own.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { checksServer, SlotSharing } from '../../../src/upstream/check-sharing.js';

const KEYS = Array.from({ length: 200 }, (_, i) => `10.0.${i >> 8}.${i & 255}#${8600 + (i % 7)}@#%`);

describe('checksServer', () => {
  it('gives every server to exactly one worker, and spreads them', () => {
    for (const count of [1, 2, 3, 4]) {
      const perSlot = new Array<number>(count).fill(0);
      for (const key of KEYS) {
        const owners = Array.from({ length: count }, (_, i) => i + 1).filter((slot) => checksServer(key, slot, count));
        assert.equal(owners.length, 1, `${key} among ${count}`);
        perSlot[owners[0]! - 1]!++;
      }
      assert.ok(perSlot.every((n) => n >= KEYS.length / count / 2), `spread over ${count}: ${perSlot.join(',')}`);
    }
  });

  it('answers the same in another process', () => {
    const here = KEYS.map((k) => (checksServer(k, 1, 2) ? 1 : 2));
    const url = new URL('../../../src/upstream/check-sharing.js', import.meta.url).href;
    const script = `import(${JSON.stringify(url)}).then((m) => console.log(JSON.stringify(${JSON.stringify(KEYS)}.map((k) => (m.checksServer(k, 1, 2) ? 1 : 2)))))`;
    const there = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as number[];
    assert.deepEqual(there, here);
  });
});

describe('SlotSharing', () => {
  const bySlot = (slot: number, count: number) => KEYS.filter((k) => checksServer(k, slot, count));

  it('checks its own slot\'s servers, and those of the slots it covers until told otherwise', () => {
    const sharing = new SlotSharing(1, 3, () => {});
    assert.deepEqual(KEYS.filter((k) => sharing.mine(k)), bySlot(1, 3));
    assert.equal(sharing.cover([3]), true);
    assert.deepEqual(sharing.covered, [3]);
    assert.deepEqual(KEYS.filter((k) => sharing.mine(k)), KEYS.filter((k) => !checksServer(k, 2, 3)));
    assert.equal(sharing.cover([3]), false, 'the same cover again changes nothing');
    assert.equal(sharing.cover([2, 3]), true);
    assert.deepEqual(KEYS.filter((k) => sharing.mine(k)), KEYS);
    assert.equal(sharing.cover([]), true);
    assert.deepEqual(KEYS.filter((k) => sharing.mine(k)), bySlot(1, 3));
  });

  it('leaves out its own slot and slots that do not exist', () => {
    const sharing = new SlotSharing(2, 2, () => {});
    assert.equal(sharing.cover([2, 0, 3, 1.5]), false);
    assert.deepEqual(sharing.covered, []);
  });
});
