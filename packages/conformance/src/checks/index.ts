import type { Check } from '../check.js';
import { accessChecks } from './access-checks.js';
import { cancelChecks } from './cancel-checks.js';
import { errorChecks, unknownRouteCheck } from './error-checks.js';
import { historyChecks } from './history-checks.js';
import { liveChecks } from './live-checks.js';
import { optionalChecks } from './optional-checks.js';
import { reviewChecks } from './review-checks.js';
import { statusChecks } from './status-checks.js';

const [upload, status, statusFinal, statusEtag] = statusChecks;

/**
 * Every check, in the order they run: later checks use what earlier ones learnt (the
 * limits, the first batch once final), and history comes after the uploads it lists.
 */
export const CHECKS: readonly Check[] = [
  ...accessChecks,
  upload!,
  status!,
  ...liveChecks,
  statusFinal!,
  statusEtag!,
  ...historyChecks,
  ...cancelChecks,
  ...errorChecks,
  unknownRouteCheck,
  ...optionalChecks,
  ...reviewChecks,
];

/** What a check is, without how it runs. */
export interface CheckInfo {
  id: string;
  title: string;
  required: boolean;
}

/** Every check's id, title and kind, in the order they run. */
export const CHECK_LIST: readonly CheckInfo[] = CHECKS.map(({ id, title, required }) => ({ id, title, required }));
