/** Which core runs what in a bench run (bench/placement.ts). */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { describePlacement, isPinned, placeOnCores, upstreamCpu } from '../../../bench/placement.js';

describe('bench placement', () => {
  it('pins nothing without taskset or with one core', () => {
    for (const at of [placeOnCores('/w', 60, 8, false), placeOnCores('/w', 60, 1, true)]) {
      assert.deepEqual([at.serverCpu, at.loadCpu, at.upstreamCpus], [null, null, []]);
      assert.equal(upstreamCpu(at, 0), null);
      assert.equal(isPinned(at), false);
      assert.match(describePlacement(at), /^No pinning/);
    }
  });

  it('on two cores puts the server on core 0 and dnsperf with the upstreams on core 1', () => {
    const at = placeOnCores('/w', 60, 2, true);
    assert.deepEqual([at.serverCpu, at.loadCpu, at.upstreamCpus], [0, 1, [1]]);
    assert.deepEqual([0, 1, 2].map((i) => upstreamCpu(at, i)), [1, 1, 1]);
    assert.equal(describePlacement(at), 'Server under test pinned to core 0; dnsperf and the upstream dnsmasq share core 1.');
  });

  it('gives the upstreams cores of their own when there are more, the fan-out\'s three spread over up to three', () => {
    const three = placeOnCores('/w', 60, 3, true);
    assert.deepEqual([0, 1, 2].map((i) => upstreamCpu(three, i)), [2, 2, 2]);
    assert.equal(describePlacement(three), 'Server under test pinned to core 0; dnsperf on core 1, the upstream dnsmasq on core 2.');
    const four = placeOnCores('/w', 60, 4, true);
    assert.deepEqual([0, 1, 2].map((i) => upstreamCpu(four, i)), [2, 3, 2]);
    const many = placeOnCores('/w', 60, 16, true);
    assert.deepEqual([0, 1, 2].map((i) => upstreamCpu(many, i)), [2, 3, 4]);
    assert.equal(describePlacement(many), 'Server under test pinned to core 0; dnsperf on core 1, the upstream dnsmasq on cores 2, 3, 4.');
    assert.equal(isPinned(many), true);
    assert.deepEqual([many.workDir, many.limitSec], ['/w', 60]);
  });
});
