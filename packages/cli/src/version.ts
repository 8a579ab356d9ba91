import { readFileSync } from 'node:fs';

/** The version of this package, from its package.json (one folder up from src/ and dist/). */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
