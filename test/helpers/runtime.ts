/**
 * Builds a Runtime (the whole pipeline) from config text without listening sockets, for unit tests
 * that need what a configuration routes and caches; close() releases its upstream sockets.
 */
import { Buffer } from 'node:buffer';
import { FakeClock, type Clock } from '../../src/clock.js';
import { parseConfigText } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { buildRuntime, type Runtime } from '../../src/runtime.js';
import { wireKey } from '../../src/local/zone.js';
import { RRType } from '../../src/wire/constants.js';
import { TEST_PREAMBLE } from './proxy.js';

/** A runtime for the test preamble plus `conf`. */
export function runtimeOf(conf: string, clock: Clock = new FakeClock()): Runtime & { close(): void } {
  const config = parseConfigText(TEST_PREAMBLE + conf, 'test.conf');
  const rt = buildRuntime(config, {
    log: createLogger('silent'), clock, tap: null, endpoints: [], keepStore: null, previous: null, pending: { n: 0 }, version: 'test',
  });
  return Object.assign(rt, { close: () => rt.registry.close() });
}

/** The cache key of a class IN question for `name` of `type` (flags: bit 0 DO, bit 1 CD). */
export function cacheKey(name: string, type: keyof typeof RRType = 'A', flags = 0): string {
  const tail = Buffer.from([RRType[type] >> 8, RRType[type] & 0xff, 0, 1, flags]);
  return wireKey(name) + tail.toString('latin1');
}
