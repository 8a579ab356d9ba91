/**
 * A host app as a separate process (see `startRouterHost`): run with `--import` of
 * `use-express4.ts` for Express 4. The caller's workspace comes from the `x-workspace`
 * header; `x-fail-auth: 1` makes authentication reject, as a host's session store that
 * is down would. Prints one JSON line `{"api", "express"}` (the Express version) once
 * listening, and stops on SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { startRouterHost } from './router-host.js';

const host = await startRouterHost({
  authenticate: async ({ req }) => {
    if (req.get('x-fail-auth') === '1') throw new Error('the session store cannot be reached');
    const workspace = req.get('x-workspace');
    return workspace ? { workspace_id: workspace } : null;
  },
});
const manifest = JSON.parse(await readFile(new URL('package.json', import.meta.resolve('express')), 'utf8')) as { version: string };
console.log(JSON.stringify({ api: host.api, express: manifest.version }));
process.once('SIGTERM', () => void host.close().then(() => process.exit(0)));
