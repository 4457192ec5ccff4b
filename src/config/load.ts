/**
 * Reads config files (with conf-file= and conf-dir= includes, and conf-script= output) and applies
 * every option line to a ConfigBuilder, then returns the frozen Config. The only file I/O in
 * src/config/ (conf-script.ts runs the scripts).
 */
import { Buffer } from 'node:buffer';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ExitCode, formatOrigin, type Origin } from '../errors.js';
import { ConfigBuilder } from './builder.js';
import { checkArg, DIRECTIVES, findDirective } from './directives.js';
import { isDnsmasqOption, nearest } from './dnsmasq-options.js';
import { isDomainScoped } from './domain-cache-ttl.js';
import { runConfScript, scriptOutputName } from './conf-script.js';
import type { ScriptRunner } from './script-outputs.js';
import { lexConfig, lexLine, physicalLines, splitFields, unquote, type OptionLine } from './lexer.js';
import type { Config } from './types.js';

/** What to load: lines from the command line, then the main config file. */
export interface LoadRequest {
  /** Option lines from the command line; they come first and their single values win. */
  readonly cliLines?: readonly OptionLine[];
  /** The main config file, or null for none. */
  readonly file?: string | null;
  /** When true, a missing main file is not an error (dnsmasq's default /etc/dnsmasq.conf). */
  readonly fileOptional?: boolean;
  /** Gives each conf-script's output; by default the script is run (runConfScript). */
  readonly scripts?: ScriptRunner;
}

const CLI_ORIGIN_FILE = 'command line';

/** Reads one file's text, mapping fs errors to a ConfigError with exit code 3. */
function readText(path: string, origin: Origin | null): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message;
    throw new ConfigError('FANDNS_CONFIG_FILE', origin ?? { file: path, line: 0 }, `cannot read ${path}: ${why}`, ExitCode.FILE);
  }
}

/** Files of a conf-dir, filtered and ordered as dnsmasq does (reference §6.2). */
export function confDirFiles(value: string, origin: Origin): string[] {
  const [dir = '', ...suffixes] = splitFields(value);
  const include = suffixes.filter((s) => s.startsWith('*') && s.length > 1).map((s) => s.slice(1));
  const exclude = suffixes.filter((s) => !s.startsWith('*') && s !== '');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message;
    throw new ConfigError('FANDNS_CONFIG_FILE', origin, `cannot access directory ${dir}: ${why}`, ExitCode.FILE);
  }
  const endsStrictly = (n: string, s: string) => n.length > s.length && n.endsWith(s);
  return names
    .filter((n) => !n.endsWith('~') && !n.startsWith('.') && !(n.length > 1 && n.startsWith('#') && n.endsWith('#')))
    .filter((n) => (include.length === 0 || include.some((s) => endsStrictly(n, s))) && !exclude.some((s) => endsStrictly(n, s)))
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    })
    .sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
}

/** The options that read further lines (files, a directory, a script's output). */
const isInclude = (name: string): boolean => name === 'conf-file' || name === 'conf-dir' || name === 'conf-script';

/**
 * Applies option lines, following includes. One instance per load. With `includesOnly` it only
 * follows the includes, applying nothing (walkScripts).
 */
class Loader {
  readonly builder = new ConfigBuilder();
  constructor(
    private readonly run: ScriptRunner = runConfScript,
    private readonly includesOnly = false,
  ) {}

  readonly #stack: string[] = [];
  readonly #read = new Set<string>();
  /** Single-valued options seen in files, with their first origin. */
  readonly #singles = new Map<string, Origin>();
  /** Single-valued options given on the command line. */
  readonly #cliSingles = new Set<string>();

  /** Reads and applies one file; `from` is the line that included it (null for the main file). */
  file(path: string, from: Origin | null): void {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      readText(path, from); // throws the ENOENT ConfigError
      return;
    }
    if (this.#stack.includes(real)) {
      throw new ConfigError('FANDNS_CONFIG_CYCLE', from ?? { file: path, line: 0 }, `include cycle: ${path} is already being read`);
    }
    if (this.#read.has(real)) return;
    this.#read.add(real);
    this.builder.files.push(path);
    this.#stack.push(real);
    this.text(readText(path, from), path);
    this.#stack.pop();
  }

  /**
   * Runs a conf-script (the line at `from`) and applies its output as a config file. A script
   * whose output runs it again, directly or through others, is an include cycle.
   */
  script(command: string, from: Origin): void {
    const key = `\0script ${command}`;
    if (this.#stack.includes(key)) throw new ConfigError('FANDNS_CONFIG_CYCLE', from, `include cycle: conf-script "${command}" is already being read`);
    const output = this.run(command, from);
    this.#stack.push(key);
    this.text(output, scriptOutputName(command));
    this.#stack.pop();
  }

  /**
   * Applies the lines of config text read from `file`. Text without an include is skipped when
   * only includes are followed (an include line's name is one of them, spelt exactly so), so a
   * walk passes over a 200,000-line block list in a scan.
   */
  text(text: string, file: string): void {
    if (this.includesOnly && !text.includes('conf-')) return;
    this.lines(lexConfig(text, file));
  }

  /** Records a line as applied (Config.optionText). */
  #applied(name: string, value: string | null): void {
    this.builder.applied.push(value === null ? name : `${name}=${value}`);
  }

  /** Applies lines in order. */
  lines(lines: Iterable<OptionLine>): void {
    for (const line of lines) this.line(line);
  }

  /**
   * servers-file= (reference §1.6), read after every other line as dnsmasq reads it at start-up
   * and on SIGHUP. Only server= and rev-server= lines count. Any other line, a line that does not
   * parse and a missing file are warnings naming file:line, and are skipped as in dnsmasq: a file
   * another program writes (consul-template, a block-list updater) cannot stop the server.
   */
  serversFile(): void {
    const setting = this.builder.serversFile;
    if (setting === null) return;
    const path = setting.value;
    const warn = (message: string) => this.builder.warnings.push(message);
    let text: string;
    try {
      text = readText(path, setting.origin);
    } catch (err) {
      warn(`${(err as Error).message}; no servers read from it`);
      return;
    }
    this.builder.files.push(path);
    for (const [raw, n] of physicalLines(text)) {
      const origin = { file: path, line: n };
      try {
        const line = lexLine(raw, origin);
        if (line === null) continue;
        const d = line.name === 'server' || line.name === 'rev-server' ? findDirective(line.name) : undefined;
        if (d === undefined) {
          warn(`${formatOrigin(origin)}: a servers-file holds only server= and rev-server= lines; "${line.name}" ignored`);
          continue;
        }
        checkArg(d, line.value, origin);
        d.apply(this.builder, line.value, origin);
        this.#applied(line.name, line.value);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        warn(`${err.message}; line ignored`);
      }
    }
  }

  line({ name, value, origin }: OptionLine): void {
    if (this.includesOnly && !isInclude(name)) return;
    const d = findDirective(name);
    if (!d) {
      if (isDnsmasqOption(name)) {
        this.builder.warnings.push(`${formatOrigin(origin)}: "${name}" is a dnsmasq option that fandns does not implement; ignored`);
        return;
      }
      const guess = nearest(name, DIRECTIVES.map((x) => x.name));
      throw new ConfigError('FANDNS_CONFIG_UNKNOWN', origin, `unknown option "${name}"${guess ? `; did you mean "${guess}"?` : ''}`);
    }
    checkArg(d, value, origin);
    if (isInclude(d.name)) this.#applied(name, value);
    if (d.name === 'conf-file') return this.file(unquote(value!), origin);
    if (d.name === 'conf-script') return this.script(unquote(value!), origin);
    if (d.name === 'conf-dir') {
      for (const f of confDirFiles(value!, origin)) this.file(f, origin);
      return;
    }
    if (d.repeat === 'single' && d.arg !== 'flag' && !(d.scoped && (value === null ? d.bareIsFlag === true : isDomainScoped(unquote(value))))) {
      if (origin.file === CLI_ORIGIN_FILE) this.#cliSingles.add(d.name);
      else {
        const prev = this.#singles.get(d.name);
        if (prev) throw new ConfigError('FANDNS_CONFIG_REPEATED', origin, `${d.name} given twice (first at ${formatOrigin(prev)})`);
        this.#singles.set(d.name, origin);
        if (this.#cliSingles.has(d.name)) {
          d.apply(new ConfigBuilder(), value, origin); // checked, but the command line wins
          return;
        }
      }
    }
    d.apply(this.builder, value, origin);
    this.#applied(name, value);
  }
}

/** Reads what `req` names into `loader`: command-line lines first, then the main file and its includes. */
function readRequest(loader: Loader, req: LoadRequest): void {
  loader.lines(req.cliLines ?? []);
  if (req.file) {
    let exists = true;
    try {
      statSync(req.file);
    } catch {
      exists = false;
    }
    if (exists || !req.fileOptional) loader.file(req.file, null);
  }
}

/** Loads the configuration: command-line lines first, then the main file and its includes. */
export function loadConfig(req: LoadRequest): Config {
  const loader = new Loader(req.scripts);
  readRequest(loader, req);
  loader.serversFile();
  return loader.builder.finish();
}

/**
 * Follows the includes of the configuration `req` names, in the order loadConfig does, and gives
 * each conf-script it meets to `req.scripts`, applying no other line. Throws what the includes
 * throw (a missing file, a cycle, a script's failure).
 */
export function walkScripts(req: LoadRequest): void {
  readRequest(new Loader(req.scripts, true), req);
}

/** Parses config text without touching the file system except for includes (for tests and --test). */
export function parseConfigText(text: string, file = 'inline.conf'): Config {
  const loader = new Loader();
  loader.lines(lexConfig(text, file));
  loader.serversFile();
  return loader.builder.finish();
}

/** The origin used for options given on the command line. */
export const CLI_ORIGIN: Origin = { file: CLI_ORIGIN_FILE, line: 0 };
