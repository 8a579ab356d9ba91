export { runConformance, exitCodeOf, DEFAULT_OPTIONS, KIT_VERSION } from './run-conformance.js';
export type { CheckResult, ConformanceOptions, ConformanceReport, OutcomeCounts } from './run-conformance.js';
export type { Outcome } from './check.js';
export { CHECK_LIST } from './checks/index.js';
export type { CheckInfo } from './checks/index.js';
export { runCli, EXIT } from './cli/run-cli.js';
export type { CliIo, TextOut } from './cli/run-cli.js';
