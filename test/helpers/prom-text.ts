/** Reading Prometheus text exposition in tests. */

/** The value of the sample line `series` (name and labels as written: `x_total{rule="."}`), or undefined. */
export function promSample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
