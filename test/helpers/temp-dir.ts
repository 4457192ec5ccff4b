/** A scratch directory for one test body, removed afterwards whatever the body does. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `body` with a fresh directory under the system's temporary folder (its name starts `fandns-<tag>-`), then removes it. */
export async function withTempDir<T>(tag: string, body: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `fandns-${tag}-`));
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
