/**
 * The typings the package ships for frameworks, checked as an app's TypeScript checks
 * them, library declarations included (`skipLibCheck: false`): a React 19 app using the
 * tag with `@batch-uploader/element/jsx` and the wrapper `@batch-uploader/element/react`,
 * a React 18 app (fixtures/react-18's types) using the wrapper, and a Vue app's template
 * with `@batch-uploader/element/vue` under vue-tsc. Each fixture (test/typings/) holds
 * right uses, which must pass, and wrong ones under `@ts-expect-error` /
 * `@vue-expect-error`, which must be refused (an unused directive is an error). Needs the
 * build (the typings import `dist/`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { PACKAGE_DIR } from '../scripts/integrations.js';

const FIXTURES = join(PACKAGE_DIR, 'test/typings');
const VUE_TSC = join(PACKAGE_DIR, '../../node_modules/.bin/vue-tsc');

/** The errors TypeScript finds in the project of `tsconfig`, one per line. */
function typeErrors(tsconfig: string): string {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(FIXTURES, tsconfig),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => assert.fail(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
    },
  )!;
  assert.equal(config.options.skipLibCheck, false);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => FIXTURES, getNewLine: () => '\n' };
  return ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), host);
}

describe('the framework typings', () => {
  it('type a React 19 app: the tag in JSX with its attributes, properties and events, and the wrapper', () => {
    assert.equal(typeErrors('tsconfig.json'), '');
  });

  it("type the wrapper in a React 18 app, with React 18's own types", () => {
    assert.equal(typeErrors('tsconfig.react-18.json'), '');
  });

  it('type the tag in a Vue template for vue-tsc, attributes, properties and events', async () => {
    const result = await promisify(execFile)(VUE_TSC, ['-p', join(FIXTURES, 'tsconfig.vue.json')]).catch((error: { stdout: string }) => error);
    assert.equal(result.stdout, '');
  });
});
