import { register } from 'node:module';

/**
 * Imported first (with `--import`, or before any dynamic import of code that loads
 * Express), this makes every `import … from 'express'` of the process load Express 4.
 * Modules already loaded keep the Express they have.
 */
register('./express4-hooks.mjs', import.meta.url);
