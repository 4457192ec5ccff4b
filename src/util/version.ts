/** fandns's own version, read once from package.json. */
import { readFileSync } from 'node:fs';

let cached: string | null = null;

/** The package version, e.g. "0.9.0" (`fandns --version`, CHAOS TXT version.bind). */
export function fandnsVersion(): string {
  if (cached === null) {
    // dist/src/util/version.js → the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}
