// custom-elements.json, generated from the class's JSDoc (@summary @event @csspart
// @cssproperty) and its static `properties`. `npm run manifest` in this folder writes it
// and the editor and framework files made from it (scripts/integrations.mjs).
//
// The manifest describes the package as installed: the modules a user imports (the
// entry, the registering module) and the one that declares the class, at their paths in
// `dist/` (the analyzer reads the TypeScript sources, whose types it needs). Members a user
// cannot reach (`#private` fields, the controllers) and type-only exports, which no
// JavaScript module has, are left out.
import { relative } from 'node:path/posix';

/** The sources of the modules the manifest lists. */
const PUBLIC_MODULES = ['src/index.ts', 'src/strings.ts', 'src/batch-uploader/batch-uploader.ts', 'src/batch-uploader/batch-uploader.component.ts'];

/** Removes the names of `export type { … }` (and `export { type … }`) from each module's exports. */
function typeOnlyExports() {
  const typeOnly = new Map();
  return {
    name: 'type-only-exports',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isExportDeclaration(node) || !node.exportClause || !ts.isNamedExports(node.exportClause)) return;
      const names = typeOnly.get(moduleDoc.path) ?? new Set();
      for (const specifier of node.exportClause.elements) {
        if (node.isTypeOnly || specifier.isTypeOnly) names.add(specifier.name.text);
      }
      typeOnly.set(moduleDoc.path, names);
    },
    moduleLinkPhase({ moduleDoc }) {
      const names = typeOnly.get(moduleDoc.path);
      if (names) moduleDoc.exports = moduleDoc.exports?.filter((entry) => !names.has(entry.name));
    },
  };
}

/** Drops private and `#private` members: the manifest is the public contract. */
function publicMembersOnly() {
  return {
    name: 'public-members-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (!declaration.members) continue;
          declaration.members = declaration.members.filter((member) => member.privacy !== 'private' && !member.name.startsWith('#'));
        }
      }
    },
  };
}

/** `src/a/b.ts` → `dist/a/b.js`, the file the package ships. */
function shipped(path) {
  return path.replace(/^\/?src\//, 'dist/').replace(/\.ts$/, '.js');
}

/**
 * Points every module path and reference at the shipped JavaScript: the analyzer names
 * the sources (`src/x.ts`), references as written in imports (`./x.js`, relative to the
 * importing module), and takes a class a module imports and exports again for one it
 * declares: such exports are pointed at the module the import names.
 */
function shippedPaths() {
  const imports = new Map();
  return {
    name: 'shipped-paths',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isImportDeclaration(node) || !node.importClause?.namedBindings || !ts.isNamedImports(node.importClause.namedBindings)) return;
      const names = imports.get(moduleDoc.path) ?? new Map();
      for (const specifier of node.importClause.namedBindings.elements) names.set(specifier.name.text, node.moduleSpecifier.text);
      imports.set(moduleDoc.path, names);
    },
    packageLinkPhase({ customElementsManifest }) {
      const resolve = (from, module) => {
        if (!module || !module.startsWith('.')) return shipped(module);
        const base = from.split('/').slice(0, -1).join('/');
        return relative('.', `${base}/${module}`.replace(/\.ts$/, '.js'));
      };
      for (const mod of customElementsManifest.modules) {
        const path = shipped(mod.path);
        const declared = new Set((mod.declarations ?? []).map((declaration) => declaration.name));
        for (const entry of mod.exports ?? []) {
          const reference = entry.declaration;
          const imported = imports.get(mod.path)?.get(reference.name);
          if (reference.module === mod.path && !declared.has(reference.name) && imported) reference.module = imported;
          if (reference.module) reference.module = resolve(path, reference.module);
        }
        for (const declaration of mod.declarations ?? []) {
          if (declaration.superclass?.module) declaration.superclass.module = resolve(path, declaration.superclass.module);
        }
        mod.path = path;
      }
    },
  };
}

/** The version of the official schema the manifest is checked against (test/manifest.test.ts). */
function schemaVersion(version) {
  return {
    name: 'schema-version',
    packageLinkPhase({ customElementsManifest }) {
      customElementsManifest.schemaVersion = version;
    },
  };
}

export default {
  globs: PUBLIC_MODULES,
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [typeOnlyExports(), publicMembersOnly(), shippedPaths(), schemaVersion('2.1.0')],
};
