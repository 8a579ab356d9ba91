// The analyzer's command-line module, which it also documents for programmatic calls; it ships no types for it.
declare module '@custom-elements-manifest/analyzer/cli.js' {
  import type { Package } from 'custom-elements-manifest';
  /** Runs `cem analyze` with `argv` in `cwd`; with `noWrite`, returns the manifest without writing it. */
  export function cli(options: { argv: string[]; cwd: string; noWrite: boolean }): Promise<Package>;
}
