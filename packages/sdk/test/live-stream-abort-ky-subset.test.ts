// live-stream-abort.test.ts on the ky subset of the self-contained browser bundles.
import { onKySubset } from './support/on-ky-subset.js';

await onKySubset(() => import('./live-stream-abort.test.js'));
