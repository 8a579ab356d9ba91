/**
 * The editor and framework files made from custom-elements.json (scripts/integrations.ts):
 * committed as `npm run manifest` makes them today, and listing what the element has —
 * its attributes as the class observes them at run time, its events, its CSS custom
 * properties — for VS Code, JetBrains IDEs, React and Vue. Needs the build.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, it } from 'node:test';
import type { CustomElementDeclaration, Package } from 'custom-elements-manifest';
import { customElements, integrationFiles, PACKAGE_DIR } from '../scripts/integrations.js';

let manifest: Package;
let element: CustomElementDeclaration;
/** The attributes the element observes, from the built class. */
let observed: string[];

const read = (path: string) => readFile(join(PACKAGE_DIR, path), 'utf8');

before(async () => {
  manifest = JSON.parse(await read('custom-elements.json')) as Package;
  element = customElements(manifest)[0]!;
  const { BatchUploader } = (await import(pathToFileURL(join(PACKAGE_DIR, 'dist/index.js')).href)) as { BatchUploader: { observedAttributes: string[] } };
  observed = [...BatchUploader.observedAttributes].sort();
});

describe('the files made from the manifest', () => {
  it('are committed as `npm run manifest` makes them from the manifest', async () => {
    const pkg = JSON.parse(await read('package.json')) as { name: string; version: string };
    for (const [path, text] of Object.entries(integrationFiles(manifest, pkg))) {
      assert.equal(await read(path), text, `${path} is stale: run \`npm run manifest\` in packages/element`);
    }
  });

  it("VS Code's custom data has the tag with each attribute the element observes, its values, and the CSS custom properties", async () => {
    interface Attribute {
      name: string;
      values?: { name: string }[];
      valueSet?: string;
    }
    const html = JSON.parse(await read('vscode.html-custom-data.json')) as { tags: { name: string; description: string; attributes: Attribute[] }[] };
    const tag = html.tags.find((t) => t.name === 'batch-uploader');
    assert.ok(tag);
    assert.deepEqual(tag.attributes.map((a) => a.name).sort(), observed);
    assert.deepEqual(
      tag.attributes.find((a) => a.name === 'patient-field')?.values?.map((v) => v.name),
      ['hidden', 'optional', 'required'],
    );
    assert.equal(tag.attributes.find((a) => a.name === 'show-history')?.valueSet, 'v');
    for (const event of element.events ?? []) assert.ok(tag.description.includes(event.name), `the description names ${event.name}`);
    const css = JSON.parse(await read('vscode.css-custom-data.json')) as { properties: { name: string }[] };
    assert.deepEqual(
      css.properties.map((p) => p.name),
      (element.cssProperties ?? []).map((p) => p.name),
    );
  });

  it("JetBrains' web-types has the element with its attributes, events and properties, named after the package", async () => {
    const pkg = JSON.parse(await read('package.json')) as { name: string; version: string; 'web-types': string };
    const webTypes = JSON.parse(await read(pkg['web-types'])) as {
      name: string;
      version: string;
      contributions: {
        html: { elements: { name: string; attributes: { name: string }[]; events: { name: string }[]; js: { properties: { name: string }[] } }[] };
      };
    };
    assert.equal(webTypes.name, pkg.name);
    assert.equal(webTypes.version, pkg.version);
    const el = webTypes.contributions.html.elements.find((e) => e.name === 'batch-uploader');
    assert.ok(el);
    assert.deepEqual(el.attributes.map((a) => a.name).sort(), observed);
    assert.deepEqual(
      el.events.map((e) => e.name),
      (element.events ?? []).map((e) => e.name),
    );
    for (const name of ['getAuthToken', 'strings', 'session', 'maxFileSize'])
      assert.ok(
        el.js.properties.some((p) => p.name === name),
        name,
      );
  });

  it('the React and Vue typings and the React wrapper name every attribute and event', async () => {
    const jsx = await read('types/jsx.d.ts');
    const vue = await read('types/vue.d.ts');
    const wrapper = await read('src/react.ts');
    const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    for (const attribute of observed) {
      assert.match(jsx, new RegExp(`'${attribute}'\\?:`), `JSX: ${attribute}`);
      assert.match(vue, new RegExp(`\\b${camel(attribute)}\\?:`), `Vue: ${attribute}`);
    }
    for (const { name } of element.events ?? []) {
      const pascal = camel(`-${name}`);
      assert.match(jsx, new RegExp(`'on${name}'\\?:`), `JSX: on${name}`);
      assert.match(vue, new RegExp(`\\bon${pascal}\\?:`), `Vue: on${pascal}`);
      assert.match(wrapper, new RegExp(`on${pascal}: '${name}'`), `wrapper: on${pascal}`);
    }
  });
});
