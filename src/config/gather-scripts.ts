/**
 * Runs the conf-scripts of a configuration without blocking, before a reload loads it: the
 * includes are walked (walkScripts) with the outputs gathered so far; at the first script not yet
 * run the walk stops, the script runs (runConfScriptAsync) and the walk starts over, until it
 * meets no new script. The load then takes the outputs (ScriptOutputs.replaying) and runs nothing,
 * so the server answers queries while a slow script (a download) runs, and with workers= the
 * primary runs each script once for all its workers.
 */
import type { Origin } from '../errors.js';
import { runConfScriptAsync } from './conf-script.js';
import { walkScripts, type LoadRequest } from './load.js';
import { ScriptOutputs } from './script-outputs.js';

/** Most scripts one load may run: a script whose output names ever new scripts cannot loop forever. */
export const MAX_SCRIPTS = 100;

/** The walk met a script it has no output for. */
class ScriptNeeded {
  constructor(
    readonly command: string,
    readonly from: Origin,
  ) {}
}

/** Runs a script without blocking: the command and its conf-script line. */
export type AsyncScriptRunner = (command: string, from: Origin) => Promise<string>;

/**
 * The outputs of the scripts the configuration `req` names (req.scripts is not used). `known`
 * holds outputs to take instead of running a script (those the cluster primary ran); a script
 * not among them runs with `run`. The walk ends early at an error (a missing file, a cycle, a
 * script that failed); what was gathered by then is returned, and the load meets the same error.
 */
export async function gatherScripts(req: LoadRequest, known: ScriptOutputs | null = null, run: AsyncScriptRunner = runConfScriptAsync): Promise<ScriptOutputs> {
  const outputs = ScriptOutputs.from(known?.results ?? [])!;
  const missing = (command: string, from: Origin): never => {
    throw new ScriptNeeded(command, from);
  };
  for (let runs = 0; runs <= MAX_SCRIPTS; runs++) {
    try {
      walkScripts({ ...req, scripts: outputs.replaying(missing) });
      return outputs;
    } catch (err) {
      if (!(err instanceof ScriptNeeded)) return outputs;
      if (runs === MAX_SCRIPTS) break;
      try {
        outputs.results.push({ command: err.command, output: await run(err.command, err.from) });
      } catch (failure) {
        if (!outputs.noteFailure(failure)) throw failure;
      }
    }
  }
  return outputs;
}
