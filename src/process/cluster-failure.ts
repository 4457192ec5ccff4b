/** Why the cluster primary gives up (src/process/cluster-primary.ts). */

/** The cluster cannot start or cannot keep any worker serving; `exitCode` is what to exit with. */
export class ClusterFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterFailure';
  }
}
