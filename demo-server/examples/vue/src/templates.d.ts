// A Vue template file, compiled to its render function by build.mjs (Vue's compileTemplate).
declare module '*.template.html' {
  import type { RenderFunction } from 'vue';
  export const render: RenderFunction;
}
