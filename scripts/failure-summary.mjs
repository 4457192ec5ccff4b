// A node:test reporter that prints nothing until the run ends, then lists each failed test with
// its file, line and error, so the tail of a long CI log says what failed.
// Suites that failed only because a test inside them failed are left out.
const lines = (text, max) => String(text).split('\n').slice(0, max).map((l) => `    ${l}`).join('\n');

/** Collects test:fail events and yields one summary block at the end of the run. */
export default async function* failureSummary(source) {
  const failed = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const error = event.data.details?.error;
    if (error?.failureType === 'subtestsFailed') continue;
    failed.push(event.data);
  }
  if (failed.length === 0) return;
  yield `\n# ${failed.length} failed test(s):\n`;
  for (const t of failed) {
    const error = t.details?.error;
    const cause = error?.cause ?? error;
    yield `# ✖ ${t.file ?? '?'}:${t.line ?? '?'} ${t.name} (${error?.failureType ?? 'error'})\n`;
    yield `${lines(cause?.stack ?? cause, 12)}\n`;
  }
}
