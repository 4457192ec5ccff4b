/** Repeating a dnsperf run that died on dnsperf 2.10's TCP receive race, and nothing else. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { repeatOnTcpRace, TCP_RACE_RETRIES } from '../../../bench/dnsperf.js';

const race = () => new Error('dnsperf exited with 1: NOERROR h43.bench.test AAAA 0.000094\nError: failed to receive packet: Bad file descriptor');

describe('repeatOnTcpRace', () => {
  it('runs again after the race and returns the run that finished', async () => {
    let calls = 0;
    let told = 0;
    const r = await repeatOnTcpRace(async () => {
      if (++calls < 3) throw race();
      return 'stats';
    }, () => told++);
    assert.equal(r, 'stats');
    assert.equal(calls, 3);
    assert.equal(told, 2);
  });

  it('gives up after the last repeat, with the race as the error', async () => {
    let calls = 0;
    await assert.rejects(repeatOnTcpRace(async () => {
      calls++;
      throw race();
    }, () => {}), /Bad file descriptor/);
    assert.equal(calls, TCP_RACE_RETRIES + 1);
  });

  it('never repeats other failures', async () => {
    let calls = 0;
    await assert.rejects(repeatOnTcpRace(async () => {
      calls++;
      throw new Error('dnsperf exited with 1: Error: socket: Too many open files');
    }, () => assert.fail('not a race')), /Too many open files/);
    assert.equal(calls, 1);
  });
});
