/**
 * Readers for the deployment examples, just enough to test them: systemd unit files (sections,
 * repeated keys, line continuations), the block scalar that carries a config file in a
 * Kubernetes ConfigMap, and the instructions of a Dockerfile. Not general parsers.
 */

/** A unit file: section → key → every value given, in order. */
export type Unit = Map<string, Map<string, string[]>>;

/** Parses systemd unit syntax: `[Section]`, `Key=value`, `#`/`;` comments, trailing `\` continuations. */
export function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | null = null;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 1) throw new Error(`not a unit-file line: ${line}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

/** The text of the literal block scalar `key: |` in YAML text, with its indentation removed. */
export function yamlBlock(yaml: string, key: string): string {
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\s*${key.replace(/\./g, '\\.')}:\\s*\\|\\s*$`).test(l));
  if (start < 0) throw new Error(`no block scalar "${key}: |"`);
  const keyIndent = lines[start]!.search(/\S/);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== '' && line.search(/\S/) <= keyIndent) break;
    body.push(line);
  }
  const indent = Math.min(...body.filter((l) => l.trim() !== '').map((l) => l.search(/\S/)));
  return body.map((l) => l.slice(indent)).join('\n').trimEnd() + '\n';
}

/** One Dockerfile instruction: its keyword and its arguments as written (continuations joined). */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** The instructions of a Dockerfile, comments and blank lines dropped. */
export function dockerInstructions(text: string): DockerInstruction[] {
  return text.replace(/\\\n/g, ' ').split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l)!;
      return { keyword: m[1]!.toUpperCase(), args: m[2]! };
    });
}
