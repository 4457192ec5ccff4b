/**
 * admin-api inside one server (a single process or a cluster worker): the runtime rules, the
 * configuration as loaded (before they are laid over it), and how a change reaches the routing:
 * through `apply`, which the server points at the same rebuild a reload-keeps-cache reload does.
 * A single process also keeps admin-rules-file (a cluster's primary does that for its workers).
 */
import type { Config } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { answerRules } from './rules-admin.js';
import { keepRulesIn, readRulesFile } from './rules-file.js';
import type { AdminRequest } from './rules-request.js';
import { RuntimeRules, type RuleView } from './runtime-rules.js';

/** The runtime rules of one server. */
export class ServerRules {
  readonly rules = new RuntimeRules();
  #loaded: Config;

  /**
   * @param loaded the configuration the server starts with
   * @param apply puts a configuration with the rules laid over it in force (throws to refuse it)
   */
  constructor(loaded: Config, private readonly log: Logger, private readonly apply: (config: Config) => void) {
    this.#loaded = loaded;
  }

  /** The configuration as loaded from the files, without the runtime rules. */
  get base(): Config {
    return this.#loaded;
  }

  /** A configuration (re)loaded from the files: kept, and returned with the runtime rules laid over it. */
  loaded(config: Config): Config {
    this.#loaded = config;
    return this.rules.overlay(config);
  }

  /**
   * Answers a /rules request from `peer`; a change rebuilds the routing, keeping the cached answers
   * whose route it did not change, in-flight queries finishing on the old runtime.
   */
  request(req: AdminRequest, peer: string): ReturnType<typeof answerRules> {
    return answerRules(this.rules, req, peer, () => this.apply(this.rules.overlay(this.#loaded)), this.log,
      keepRulesIn(this.#loaded.adminRulesFile, this.rules, this.log));
  }

  /** A single process at start: the rules kept in admin-rules-file, if it names one, laid over the configuration. */
  readFile(): void {
    const file = this.#loaded.adminRulesFile;
    if (file === null) return;
    const views = readRulesFile(file, this.log);
    if (views.length > 0) this.replaceAll(views);
  }

  /**
   * A cluster worker: makes `views` (the primary's rules) the runtime rules and applies them. On a
   * bad rule or a failed rebuild nothing changes and the error goes on. Neither logged at info nor
   * counted: the primary does both.
   */
  replaceAll(views: readonly RuleView[]): void {
    const snap = this.rules.snapshot();
    this.rules.replaceAll(views);
    try {
      this.apply(this.rules.overlay(this.#loaded));
    } catch (err) {
      this.rules.restore(snap);
      throw err;
    }
    this.log.debug({ rules: views.length }, 'admin-api: runtime rules from the primary');
  }
}
