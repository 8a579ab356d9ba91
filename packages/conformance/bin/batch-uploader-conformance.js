#!/usr/bin/env node
// The command as npm links it. Committed, so that it exists as soon as the package is
// installed (a fresh clone of the repository included, before `npm run build` has made
// dist/): npm links a bin only if its file exists. It runs the built command.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'batch-uploader-conformance: not built yet (no dist/cli/bin.js in @batch-uploader/conformance).\n' +
      'In the batch-uploader repository, run `npm run build` at its root first.\n',
  );
  process.exit(2);
}
await import(main.href);
