// custom-elements.json, generated from the class's JSDoc (@summary @event @csspart
// @cssproperty) and Lit's @property decorators. Run in this folder: npx cem analyze
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/test/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
