import { createRequire } from 'node:module';
import { CheckFailure, CheckSkipped, NotSupported, RunStopped, type Check, type CheckContext, type Outcome } from './check.js';
import { CHECKS } from './checks/index.js';
import { Contract } from './contract/contract.js';
import { makeDocuments } from './documents.js';
import { ApiClient, NetworkError } from './http/api-client.js';

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Base URL of the batch API. @example 'http://localhost:3000/api/gp' */
  baseUrl: string;
  /** Bearer token sent with every request (except those checking that a token is required). */
  token?: string;
  /** Longest wait for a batch to finish or a live event to come. @default 120000 */
  timeoutMs?: number;
  /** Longest wait for the answer to one request. @default 30000 */
  requestTimeoutMs?: number;
  /** Pause between two status polls. @default 500 */
  pollIntervalMs?: number;
  /** Called as each check ends, in order (to show progress). */
  onResult?: (result: CheckResult) => void;
}

/** How one check ended. */
export interface CheckResult {
  id: string;
  title: string;
  required: boolean;
  outcome: Outcome;
  /** One line: what was seen, or why it failed or was skipped. */
  reason: string;
  duration_ms: number;
}

/** Counts of outcomes. */
export type OutcomeCounts = Record<Outcome, number>;

/** What a run found. */
export interface ConformanceReport {
  /** The base URL checked, without credentials or query. */
  base_url: string;
  /** `info.version` of the OpenAPI document the answers were checked against. */
  protocol_version: string;
  /** Version of this kit. */
  kit_version: string;
  /** Every required check passed (or was skipped for a reason of its own) and the run was not stopped. */
  passed: boolean;
  /** Why the run stopped early (the server cannot be reached, or requires a token); null when it ran to its end. */
  stopped: string | null;
  summary: { required: OutcomeCounts; optional: OutcomeCounts };
  checks: CheckResult[];
}

/** The reason of the checks after the run stopped. */
export const NOT_RUN = 'not run: the run stopped';

/** The defaults of {@link ConformanceOptions}. */
export const DEFAULT_OPTIONS: Readonly<{ timeoutMs: number; requestTimeoutMs: number; pollIntervalMs: number }> = Object.freeze({
  timeoutMs: 120_000,
  requestTimeoutMs: 30_000,
  pollIntervalMs: 500,
});

/** The kit's own version. */
export const KIT_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/**
 * Runs every check against the backend at `baseUrl`, one after another, and reports how
 * each ended. It creates a few small batches in the caller's workspace (their files are
 * named `conformance-*`). Never throws for what the backend does: a server that cannot
 * be reached ends the run with `stopped` set. Throws TypeError for options that cannot work.
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const settings = resolveOptions(options);
  const contract = Contract.load();
  const context: CheckContext = {
    api: new ApiClient(options.baseUrl, options.token, settings.requestTimeoutMs),
    contract,
    documents: makeDocuments(),
    state: { created: [] },
    timeoutMs: settings.timeoutMs,
    pollIntervalMs: settings.pollIntervalMs,
  };
  const redact = (text: string) => (options.token ? text.split(options.token).join('[token]') : text);
  const results: CheckResult[] = [];
  let stopped: string | null = null;

  for (const check of CHECKS) {
    const started = Date.now();
    let outcome: Outcome;
    let reason: string;
    if (stopped !== null) {
      [outcome, reason] = ['skip', NOT_RUN];
    } else {
      const missing = (check.needs ?? []).filter((id) => results.find((r) => r.id === id)?.outcome !== 'pass');
      if (missing.length > 0) [outcome, reason] = ['skip', `needs ${missing.join(', ')}, which did not pass`];
      else {
        const ended = await runOne(check, context);
        [outcome, reason] = [ended.outcome, ended.reason];
        if (ended.stops) stopped = reason;
      }
    }
    const result: CheckResult = {
      id: check.id,
      title: check.title,
      required: check.required,
      outcome,
      reason: redact(reason),
      duration_ms: Date.now() - started,
    };
    results.push(result);
    options.onResult?.(result);
  }

  const count = (required: boolean): OutcomeCounts => {
    const counts: OutcomeCounts = { pass: 0, fail: 0, skip: 0, unsupported: 0 };
    for (const r of results) if (r.required === required) counts[r.outcome]++;
    return counts;
  };
  const summary = { required: count(true), optional: count(false) };
  return {
    base_url: displayUrl(options.baseUrl),
    protocol_version: contract.version,
    kit_version: KIT_VERSION,
    passed: stopped === null && summary.required.fail === 0,
    stopped: stopped === null ? null : redact(stopped),
    summary,
    checks: results,
  };
}

/** Exit status of the command for a report: 0 every required check passed, 1 one failed, 2 the run stopped. */
export function exitCodeOf(report: ConformanceReport): 0 | 1 | 2 {
  if (report.stopped !== null) return 2;
  return report.passed ? 0 : 1;
}

/** A URL as it may be shown: no user, password, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.href.replace(/\/+$/, '');
  } catch {
    return '(not a URL)';
  }
}

/** How one check ended, and whether the run stops there. */
interface Ended {
  outcome: Outcome;
  reason: string;
  stops?: boolean;
}

async function runOne(check: Check, context: CheckContext): Promise<Ended> {
  try {
    return { outcome: 'pass', reason: await check.run(context) };
  } catch (error) {
    if (error instanceof RunStopped) return { outcome: 'fail', reason: error.message, stops: true };
    if (error instanceof CheckFailure || error instanceof NetworkError) return { outcome: 'fail', reason: error.message };
    if (error instanceof CheckSkipped) return { outcome: 'skip', reason: error.message };
    // A required feature the backend lacks is a failure like any other.
    if (error instanceof NotSupported) return { outcome: check.required ? 'fail' : 'unsupported', reason: error.message };
    return { outcome: 'fail', reason: `the check could not finish: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
  }
}

/** Applies the defaults and rejects options that cannot work, saying what to pass. */
function resolveOptions(options: ConformanceOptions): typeof DEFAULT_OPTIONS {
  if (typeof options.baseUrl !== 'string' || !/^https?:\/\/[^/]/i.test(options.baseUrl) || !URL.canParse(options.baseUrl)) {
    throw new TypeError('runConformance: `baseUrl` must be an http:// or https:// URL, such as http://localhost:3000/api/gp.');
  }
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token === '')) {
    throw new TypeError('runConformance: `token` must be a non-empty string, or left out.');
  }
  const settings = { ...DEFAULT_OPTIONS };
  for (const name of Object.keys(DEFAULT_OPTIONS) as (keyof typeof DEFAULT_OPTIONS)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new TypeError(`runConformance: \`${name}\` must be a number of milliseconds > 0.`);
    settings[name] = value;
  }
  return settings;
}
