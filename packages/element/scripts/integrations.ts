// The editor and framework files of the package, made from custom-elements.json, so that a
// new attribute, property or event reaches all of them with `npm run manifest`:
//
//   vscode.html-custom-data.json, vscode.css-custom-data.json  VS Code (custom-element-vs-code-integration)
//   web-types.json                                             JetBrains IDEs (custom-element-jet-brains-integration)
//   types/jsx.d.ts                                             <batch-uploader> in React's JSX (React 19)
//   types/vue.d.ts                                             <batch-uploader> in Vue's GlobalComponents
//   src/react.ts                                               the React wrapper (@lit/react), compiled by tsc
//
// The editor files come from well-kept generators. The typings and the wrapper are written
// here: the Vue generator of the same family types a `CustomEvent<Detail>` event as
// `CustomEvent<CustomEvent<Detail>>` without importing `Detail` and declares a global `JSX`
// namespace, and the JSX generators write props for JSX in general (SolidJS, Preact) rather
// than React's own attribute types.
//
// Run in the package folder, after `cem analyze`: npx tsx scripts/integrations.ts
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attribute, ClassField, CustomElementDeclaration, Event, Package } from 'custom-elements-manifest';
import { getWebTypesData } from 'custom-element-jet-brains-integration';
import { getVsCodeCssCustomData, getVsCodeHtmlCustomData } from 'custom-element-vs-code-integration';

/** A custom element of the manifest, with the shipped module that registers its tag. */
interface Element extends CustomElementDeclaration {
  tagName: string;
  definedIn: string;
}

const NOTICE = 'Generated from custom-elements.json by scripts/integrations.ts (`npm run manifest`): do not edit.';

/** Every integration file of `manifest`, by its path in the package folder. */
export function integrationFiles(manifest: Package, pkg: { name: string; version: string }): Record<string, string> {
  const elements = customElements(manifest);
  // A copy for each generator: they add to the manifest they are given. (Their type wants
  // every declaration to be a custom element; they pick the custom elements themselves.)
  const copy = () => structuredClone(manifest) as unknown as Parameters<typeof getWebTypesData>[0];
  const options = { hideLogs: true, hideMethodDocs: false };
  const html = JSON.parse(getVsCodeHtmlCustomData(copy(), options)) as VsCodeData;
  return {
    'vscode.html-custom-data.json': json(valuelessBooleans(html, elements)),
    'vscode.css-custom-data.json': json(JSON.parse(getVsCodeCssCustomData(copy(), options))),
    'web-types.json': json(webTypes(JSON.parse(getWebTypesData(copy(), options)) as WebTypes, pkg)),
    'types/jsx.d.ts': reactJsx(elements),
    'types/vue.d.ts': vueComponents(elements),
    'src/react.ts': reactWrapper(elements),
  };
}

/** The custom elements the manifest declares, each with the module that registers its tag. */
export function customElements(manifest: Package): Element[] {
  const definitions = new Map<string, string>();
  for (const mod of manifest.modules) {
    for (const entry of mod.exports ?? []) {
      if (entry.kind === 'custom-element-definition') definitions.set(entry.declaration.name, mod.path);
    }
  }
  return manifest.modules.flatMap((mod) =>
    (mod.declarations ?? []).flatMap((declaration) =>
      declaration.kind === 'class' && 'customElement' in declaration && declaration.customElement && declaration.tagName
        ? [{ ...declaration, tagName: declaration.tagName, definedIn: definitions.get(declaration.name) ?? mod.path }]
        : [],
    ),
  );
}

function json(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

interface VsCodeData {
  tags: { name: string; attributes: { name: string; values?: unknown[]; valueSet?: string }[] }[];
}

/** VS Code completes a boolean attribute without a value (`show-history`, not `show-history=""`). */
function valuelessBooleans(data: VsCodeData, elements: Element[]): VsCodeData {
  for (const tag of data.tags) {
    const el = elements.find((e) => e.tagName === tag.name);
    for (const attribute of tag.attributes) {
      if (!el?.attributes?.some((a) => a.name === attribute.name && isBoolean(a))) continue;
      delete attribute.values;
      attribute.valueSet = 'v';
    }
  }
  return data;
}

interface WebTypes {
  name: string;
  version: string;
  contributions: { html: { elements: { 'doc-url'?: string }[] } };
}

/** Named after the package (not the folder the generator runs in), without the empty documentation links it writes. */
function webTypes(data: WebTypes, pkg: { name: string; version: string }): WebTypes {
  for (const element of data.contributions.html.elements) if (!element['doc-url']) delete element['doc-url'];
  return { ...data, name: pkg.name, version: pkg.version };
}

const isBoolean = (attribute: Attribute): boolean => attribute.type?.text === 'boolean';

/** `batch-complete` → `BatchComplete`. */
const pascal = (name: string): string => name.replace(/(?:^|-)([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `patient-id` → `patientId`. */
const camel = (name: string): string => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The `Detail` of an event typed `CustomEvent<Detail>` (an exported type of the package); `unknown` otherwise. */
function detailType(event: Event): string {
  return /^CustomEvent<([A-Z][\w$]*)>$/.exec(event.type?.text ?? '')?.[1] ?? 'unknown';
}

/** A one-line TSDoc comment. */
function doc(text: string | undefined, indent = '  '): string {
  if (!text) return '';
  return `${indent}/** ${text.replace(/\s*\n\s*/g, ' ').replace(/\*\//g, '*\\/')} */\n`;
}

/**
 * What an attribute takes in a template: the property's type, and the text of a number
 * where the property is a number (`max-files="10"`).
 */
function attributeType(el: Element, attribute: Attribute): string {
  if (isBoolean(attribute)) return 'boolean';
  const property = `Exclude<${el.name}['${attribute.fieldName ?? camel(attribute.name)}'], null>`;
  return /\bnumber\b/.test(attribute.type?.text ?? '') ? `${property} | \`\${number}\`` : property;
}

/** The public fields with no attribute (objects and functions): set as properties only. */
function propertyOnly(el: Element): ClassField[] {
  const attributes = new Set((el.attributes ?? []).map((a) => a.fieldName));
  return (el.members ?? []).filter(
    (m): m is ClassField => m.kind === 'field' && !m.static && !m.readonly && m.privacy !== 'protected' && !attributes.has(m.name),
  );
}

/** The element classes and event details the typings name, from the package's entry. */
function typeImports(elements: Element[]): string {
  const names = new Set(elements.map((el) => el.name));
  for (const el of elements) for (const event of el.events ?? []) names.add(detailType(event));
  names.delete('unknown');
  return `import type { ${[...names].sort().join(', ')} } from '../dist/index.js';`;
}

function listeners(el: Element, key: (event: string) => string): string {
  return (el.events ?? []).map((event) => `${doc(event.description)}  ${key(event.name)}?: (event: CustomEvent<${detailType(event)}>) => void;\n`).join('');
}

function properties(el: Element): string {
  return propertyOnly(el)
    .map((m) => `${doc(m.description)}  ${m.name}?: ${el.name}['${m.name}'] | null;\n`)
    .join('');
}

/** React 19 sets a prop as a property when the element has one of that name, else as an attribute; `on<event>` listens. */
function reactJsx(elements: Element[]): string {
  const props = elements.map(
    (el) => `/** The props of \`<${el.tagName}>\` in JSX: attributes as in HTML, properties, and \`on<event>\` listeners. */
export interface ${el.name}JsxProps {
${(el.attributes ?? []).map((a) => `${doc(a.description)}  '${a.name}'?: ${attributeType(el, a)};\n`).join('')}${properties(el)}${listeners(el, (name) => `'on${name}'`)}}
`,
  );
  const intrinsic = elements.map(
    (el) => `${doc(el.summary, '      ')}      '${el.tagName}': HTMLAttributes<${el.name}> & RefAttributes<${el.name}> & ${el.name}JsxProps;\n`,
  );
  return `// ${NOTICE}
// Declares the package's custom elements in React's JSX (\`React.JSX.IntrinsicElements\`), for
// React 19, which sets properties and listens to custom events itself. Include it once:
// \`import type {} from '@batch-uploader/element/jsx';\` (or "types" in tsconfig.json).
import type { HTMLAttributes, RefAttributes } from 'react';
${typeImports(elements)}

${props.join('\n')}
declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
${intrinsic.join('')}    }
  }
}
`;
}

/**
 * Vue's template type-checker (vue-tsc, the Vue editor extension) takes `max-files` and
 * `maxFiles` for one camelCase prop and `@batch-complete` for `onBatchComplete`, so each is
 * declared once, camelCase.
 */
function vueComponents(elements: Element[]): string {
  const props = elements.map(
    (
      el,
    ) => `/** The props of \`<${el.tagName}>\` in a Vue template: attributes (\`max-files="10"\`), properties (\`.getAuthToken\`) and \`@event\` listeners. */
export interface ${el.name}VueProps {
${(el.attributes ?? []).map((a) => `${doc(a.description)}  ${camel(a.name)}?: ${attributeType(el, a)};\n`).join('')}${properties(el)}${listeners(el, (name) => `on${pascal(name)}`)}}
`,
  );
  const components = elements.map((el) => `${doc(el.summary, '    ')}    '${el.tagName}': DefineComponent<${el.name}VueProps>;\n`);
  return `// ${NOTICE}
// Declares the package's custom elements in Vue's \`GlobalComponents\`, so that vue-tsc and the
// Vue editor extension check and complete them in templates. Include it once:
// \`import type {} from '@batch-uploader/element/vue';\` (or "types" in tsconfig.json).
import type { DefineComponent } from 'vue';
${typeImports(elements)}

${props.join('\n')}
declare module 'vue' {
  interface GlobalComponents {
${components.join('')}  }
}
`;
}

/** React 18 passes every prop as an attribute and ignores custom events; the wrapper sets properties and adds listeners. */
function reactWrapper(elements: Element[]): string {
  const details = [...new Set(elements.flatMap((el) => (el.events ?? []).map(detailType)))].filter((d) => d !== 'unknown').sort();
  const classes = elements.map((el) => `import { ${el.name} as ${el.name}Element } from './${el.definedIn.replace(/^dist\//, '')}';\n`);
  const components = elements.map(
    (el) => `/**
 * \`<${el.tagName}>\` as a React component, for React 18 and 19: a prop the element has as a
 * property is set as the property, any other as an attribute, and \`on<Event>\` props listen
 * to its events. Importing this module registers the tag.
 */
export const ${el.name} = createComponent({
  react: React,
  tagName: '${el.tagName}',
  elementClass: ${el.name}Element,
  events: {
${(el.events ?? []).map((event) => `    on${pascal(event.name)}: '${event.name}' as EventName<CustomEvent<${detailType(event)}>>,\n`).join('')}  },
  displayName: '${el.name}',
});
`,
  );
  return `// ${NOTICE}
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
${classes.join('')}import type { ${details.join(', ')} } from './events.js';

${components.join('\n')}`;
}

/** The package folder. */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = JSON.parse(await readFile(join(PACKAGE_DIR, 'custom-elements.json'), 'utf8')) as Package;
  const pkg = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { name: string; version: string };
  for (const [path, text] of Object.entries(integrationFiles(manifest, pkg))) {
    await mkdir(dirname(join(PACKAGE_DIR, path)), { recursive: true });
    await writeFile(join(PACKAGE_DIR, path), text);
  }
}
