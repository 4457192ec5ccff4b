/**
 * health-check= with workers=N while a worker is being replaced: each worker checks the servers
 * of its own slot (src/upstream/check-sharing.ts), so a slot without a serving worker would leave
 * its servers unchecked until the replacement serves (up to 30 s of restart back-off). The
 * primary tells the first serving worker to check those slots' servers too (a CheckCover), and
 * tells it to stop once they serve again, or tells another worker instead if that one exits.
 */
import type { Worker } from 'node:cluster';
import { toWorker } from './cluster-ipc.js';

/** A worker slot as the primary sees it. */
export interface CoverSlot {
  readonly index: number;
  readonly serving: boolean;
  readonly worker: Worker | null;
}

/** Which worker covers the vacant slots' checks. */
export class CheckCoverage {
  #worker: Worker | null = null;
  #slots = '';

  /** Brings the cover up to date with `slots` (in slot order); sends only what changed. */
  update(slots: readonly CoverSlot[]): void {
    const vacant = slots.filter((s) => !s.serving).map((s) => s.index + 1);
    const coverer = vacant.length === 0 ? null : slots.find((s) => s.serving && s.worker)?.worker ?? null;
    const key = vacant.join(',');
    if (this.#worker && this.#worker !== coverer) toWorker(this.#worker, { fandns: 'cover', slots: [] });
    if (coverer && (this.#worker !== coverer || this.#slots !== key)) toWorker(coverer, { fandns: 'cover', slots: vacant });
    this.#worker = coverer;
    this.#slots = coverer ? key : '';
  }
}
