// Module hook: `ky` resolves to the subset that the self-contained browser bundles carry
// in its place (rollup.config.mjs does the same there). Resolved through the next hooks
// (tsx's), which load the TypeScript source.
const SUBSET = new URL('../../src/client/ky-subset.browser.js', import.meta.url).href;

export async function resolve(specifier, context, next) {
  return next(specifier === 'ky' ? SUBSET : specifier, context);
}
