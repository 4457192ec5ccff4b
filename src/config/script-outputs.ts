/**
 * What the conf-scripts of one load of the configuration gave, in the order the load met them,
 * so that a later load can take the same outputs instead of running the scripts again: the
 * reload that ran them without blocking (src/config/gather-scripts.ts), and with workers= every
 * worker, which takes the outputs of the primary's run (src/process/cluster-scripts.ts).
 */
import type { Origin } from '../errors.js';
import { runConfScript, ScriptFailure } from './conf-script.js';

/** Gives the loader a conf-script's output: the command and its conf-script line; throws a ConfigError. */
export type ScriptRunner = (command: string, from: Origin) => string;

/** One run of a script: its output, or why it failed and the exit code that goes with it. */
export type ScriptResult =
  | { readonly command: string; readonly output: string }
  | { readonly command: string; readonly failure: string; readonly exitCode: number };

const isResult = (r: unknown): r is ScriptResult => {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return typeof o['command'] === 'string' &&
    (typeof o['output'] === 'string' || (typeof o['failure'] === 'string' && Number.isInteger(o['exitCode'])));
};

/** The outputs of the conf-scripts one load ran, in order. */
export class ScriptOutputs {
  readonly results: ScriptResult[] = [];

  /** Outputs passed between processes, or null when `results` is not a list of ScriptResult. */
  static from(results: unknown): ScriptOutputs | null {
    if (!Array.isArray(results) || !results.every(isResult)) return null;
    const outputs = new ScriptOutputs();
    outputs.results.push(...results);
    return outputs;
  }

  /** How many runs are recorded. */
  get size(): number {
    return this.results.length;
  }

  /** True when a script failed (a load with these outputs is refused). */
  get anyFailed(): boolean {
    return this.results.some((r) => !('output' in r));
  }

  /** Records a run that ended in `err`; false (nothing recorded) when `err` is not a ScriptFailure. */
  noteFailure(err: unknown): boolean {
    if (!(err instanceof ScriptFailure)) return false;
    this.results.push({ command: err.command, failure: err.why, exitCode: err.exitCode });
    return true;
  }

  /** A runner that runs each script with `run` and records what it gave. */
  recording(run: ScriptRunner = runConfScript): ScriptRunner {
    return (command, from) => {
      let output: string;
      try {
        output = run(command, from);
      } catch (err) {
        this.noteFailure(err);
        throw err;
      }
      this.results.push({ command, output });
      return output;
    };
  }

  /**
   * A runner that gives each command the recorded results for it in order (its second line gets
   * the second run): a recorded failure is thrown as a ScriptFailure naming the line at hand. A
   * run not recorded (the files changed since) is left to `unrecorded`.
   */
  replaying(unrecorded: ScriptRunner = runConfScript): ScriptRunner {
    const byCommand = new Map<string, ScriptResult[]>();
    for (const r of this.results) {
      const list = byCommand.get(r.command);
      if (list) list.push(r);
      else byCommand.set(r.command, [r]);
    }
    return (command, from) => {
      const r = byCommand.get(command)?.shift();
      if (r === undefined) return unrecorded(command, from);
      if ('output' in r) return r.output;
      throw new ScriptFailure(command, from, r.failure, r.exitCode);
    };
  }
}
