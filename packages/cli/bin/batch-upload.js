#!/usr/bin/env node
// The command as npm links it. This file is committed, so it exists as soon as the
// package is installed, in a fresh clone too, before `npm run build` has made dist/:
// npm links a bin only if its file exists, and `npx batch-upload` without the link would
// ask the public registry for a package of that name. It runs the built CLI.
import { existsSync } from 'node:fs';

const main = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'batch-upload: the CLI is not built yet (no dist/bin.js in @batch-uploader/cli).\n' +
      'In the batch-uploader repository, run `npm run build` at its root first.\n',
  );
  process.exit(2);
}
await import(main.href);
