/**
 * custom-elements.json, the element's public contract for tools: valid against the
 * official schema, what `npm run manifest` makes of the sources today, and true to the
 * package as it ships — the paths `npm pack` puts in the tarball, the exports of the
 * built modules, the attributes and properties the class declares to Lit, the events it
 * types, and the defaults its styles fall back to. Needs the build (`tsc --build`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { cli } from '@custom-elements-manifest/analyzer/cli.js';
import { Ajv } from 'ajv';
import type { ClassField, CustomElementDeclaration, Package } from 'custom-elements-manifest';
import ts from 'typescript';
import { customElements, PACKAGE_DIR } from '../scripts/integrations.js';

const run = promisify(execFile);

let manifest: Package;
let element: CustomElementDeclaration;
/** The paths of the files `npm pack` puts in the package. */
let packed: Set<string>;

/** A module of the built package, as a user's import gets it. */
function load(path: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(join(PACKAGE_DIR, path)).href) as Promise<Record<string, unknown>>;
}

/** What Lit knows of the element: its reactive properties with their attributes, and the attributes it observes. */
interface LitElementClass {
  observedAttributes: string[];
  elementProperties: Map<string, { attribute?: string | boolean }>;
  prototype: object;
}

before(async () => {
  manifest = JSON.parse(await readFile(join(PACKAGE_DIR, 'custom-elements.json'), 'utf8')) as Package;
  element = customElements(manifest)[0]!;
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_DIR });
  const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
  packed = new Set(pack!.files.map((file) => file.path));
});

describe('custom-elements.json', () => {
  it('is valid against the official schema of the version it names', async () => {
    const schemaPackage = JSON.parse(await readFile(new URL(import.meta.resolve('custom-elements-manifest/package.json')), 'utf8')) as { version: string };
    const schema = JSON.parse(await readFile(new URL(import.meta.resolve('custom-elements-manifest/schema.json')), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(manifest), JSON.stringify(validate.errors, null, 2));
    assert.equal(manifest.schemaVersion, schemaPackage.version);
  });

  it('is what `npm run manifest` makes of the sources today', async () => {
    const fresh = await cli({ argv: ['analyze', '--quiet'], cwd: PACKAGE_DIR, noWrite: true });
    assert.deepEqual(manifest, JSON.parse(JSON.stringify(fresh)), 'custom-elements.json is stale: run `npm run manifest` in packages/element');
  });

  it('names only files the package ships, and the package.json fields and exports point at shipped files', async () => {
    const named = manifest.modules.flatMap((mod) => [mod.path, ...(mod.exports ?? []).map((entry) => entry.declaration.module ?? mod.path)]);
    assert.ok(named.length > 0);
    for (const path of named) assert.ok(packed.has(path), `${path} is in the package`);
    const pkg = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.ok(packed.has(pkg.customElements as string));
    assert.ok(packed.has((pkg['web-types'] as string).replace(/^\.\//, '')));
    const targets = Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((target) =>
      typeof target === 'string' ? [target] : Object.values(target),
    );
    for (const target of targets) assert.ok(packed.has(target.replace(/^\.\//, '')), `the export ${target} is in the package`);
  });

  it('lists what each shipped module exports at run time, and the tag its registering module defines', async () => {
    for (const mod of manifest.modules) {
      const loaded = await load(mod.path);
      const listed = (mod.exports ?? []).filter((entry) => entry.kind === 'js').map((entry) => entry.name);
      assert.deepEqual(listed.sort(), Object.keys(loaded).sort(), `the exports of ${mod.path}`);
      for (const entry of mod.exports ?? []) {
        const declared = await load(entry.declaration.module ?? mod.path);
        if (entry.kind === 'js')
          assert.equal(loaded[entry.name], declared[entry.declaration.name], `${mod.path} exports ${entry.name} from ${entry.declaration.module}`);
        else assert.equal(globalThis.customElements.get(entry.name), declared[entry.declaration.name], `${mod.path} defines <${entry.name}>`);
      }
    }
  });

  it("has the attributes and properties the class declares, the attributes' property names, and no private member", async () => {
    assert.equal(element.tagName, 'batch-uploader');
    const module = manifest.modules.find((mod) => mod.declarations?.some((d) => d.name === element.name))!;
    const cls = (await load(module.path))[element.name] as LitElementClass;
    const attributes = (element.attributes ?? []).map((a) => a.name);
    assert.deepEqual([...attributes].sort(), [...cls.observedAttributes].sort());
    // Lit's attribute for each reactive property: lower-cased name unless given, none when false.
    const litAttributes = [...cls.elementProperties].flatMap(([name, options]) =>
      options.attribute === false ? [] : [[typeof options.attribute === 'string' ? options.attribute : name.toLowerCase(), name] as const],
    );
    assert.deepEqual(new Map((element.attributes ?? []).map((a) => [a.name, a.fieldName])), new Map(litAttributes));
    const fields = (element.members ?? []).filter((m): m is ClassField => m.kind === 'field' && !m.static);
    assert.deepEqual(fields.map((f) => f.name).sort(), [...cls.elementProperties.keys()].sort());
    for (const member of element.members ?? []) {
      assert.notEqual(member.privacy, 'private', member.name);
      assert.ok(!member.name.startsWith('#'), member.name);
      if (member.kind === 'method') assert.equal(typeof (cls.prototype as Record<string, unknown>)[member.name], 'function', member.name);
    }
  });

  it('types max-file-size as text or bytes, as the element takes it', () => {
    const attribute = element.attributes?.find((a) => a.name === 'max-file-size');
    assert.match(attribute?.type?.text ?? '', /\bstring\b/);
    assert.match(attribute?.type?.text ?? '', /\bnumber\b/);
  });

  it("types every event as a CustomEvent whose detail type the package exports, for each event of the element's event map", async () => {
    const entry = await readFile(join(PACKAGE_DIR, 'dist/index.d.ts'), 'utf8');
    for (const event of element.events ?? []) {
      const detail = /^CustomEvent<([A-Z]\w*)>$/.exec(event.type?.text ?? '')?.[1];
      assert.ok(detail, `${event.name} has the type CustomEvent<Detail>: ${event.type?.text}`);
      assert.match(entry, new RegExp(`\\b${detail}\\b`), `the package exports ${detail}`);
    }
    // The event map the element dispatches with (`emit`) and declares in GlobalEventHandlersEventMap.
    const source = ts.createSourceFile('events.d.ts', await readFile(join(PACKAGE_DIR, 'dist/events.d.ts'), 'utf8'), ts.ScriptTarget.Latest);
    const map = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'BatchUploaderEventMap')!;
    const names = map.members.map((m) => (m.name as ts.StringLiteral).text);
    assert.deepEqual((element.events ?? []).map((e) => e.name).sort(), names.sort());
  });

  it('gives each CSS custom property the default its styles fall back to, and keeps tags out of descriptions', async () => {
    // The element's stylesheet and the style modules of its views.
    const files = [
      'dist/batch-uploader/batch-uploader.styles.js',
      ...(await readdir(join(PACKAGE_DIR, 'dist/views'))).filter((f) => f.endsWith('.styles.js')).map((f) => `dist/views/${f}`),
    ];
    const sheets = await Promise.all(files.map(async (file) => ((await load(file)).default as { cssText: string }).cssText));
    const fallbacks = sheets.flatMap((css) => [...css.matchAll(/var\((--batch-[\w-]+), (.+?)\);/g)].map(([, name, value]) => [name, value] as const));
    assert.deepEqual(new Map((element.cssProperties ?? []).map((p) => [p.name, p.default])), new Map(fallbacks));
    const described = [
      element,
      ...(element.attributes ?? []),
      ...(element.members ?? []),
      ...(element.events ?? []),
      ...(element.cssProperties ?? []),
      ...(element.cssParts ?? []),
    ];
    for (const item of described)
      assert.doesNotMatch(item.description ?? '', /(^|\s)@\w+/, `a JSDoc tag inside the description of ${'name' in item ? item.name : ''}`);
  });
});
