/**
 * The router's HTTP suites of this package again, in hosts on Express 4: for this whole
 * process `express` means the `express4` alias dev dependency, the router's own import
 * included, as in a portal that has only Express 4 installed. On Express 5 the same
 * suites run in their own files; express-hosts.test.ts runs a host of each as a process.
 */
import assert from 'node:assert/strict';
import './support/use-express4.js';

assert.match(import.meta.resolve('express'), /\/node_modules\/express4\//, 'this process loads Express 4');
await import('./cors.test.js');
await import('./status-route.test.js');
await import('./required-roles.test.js');
// Every route and every documented answer, bad input of every kind, authentication,
// workspaces, live events, appends, and portals on other origins.
await import('./openapi-answers.test.js');
await import('./bad-input.test.js');
await import('./api.test.js');
await import('./auth.test.js');
await import('./events.test.js');
await import('./append.test.js');
await import('./portals.test.js');
