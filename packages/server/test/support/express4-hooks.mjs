// Module resolution hooks that make `express` mean Express 4 (the `express4` alias dev
// dependency) for every importer in the process: the router's own `import … from
// 'express'` included, as in a host app that has only Express 4 installed.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'express' || specifier.startsWith('express/')) {
    return nextResolve(`express4${specifier.slice('express'.length)}`, context);
  }
  return nextResolve(specifier, context);
}
