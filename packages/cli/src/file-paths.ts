import { join, relative, resolve, sep } from 'node:path';

/**
 * How each file is named to the person running the CLI: the argument it came from as
 * they typed it, and, below a folder argument, its path inside that folder
 * (`scans/2024/a/scan.pdf`, `scans/2024/b/scan.pdf`), so that files of one name in
 * different folders are told apart. `files` are the absolute paths found for `args`.
 */
export function pathsAsGiven(args: readonly string[], files: readonly string[]): Map<string, string> {
  const roots = args.map((given) => ({ given, root: resolve(given) }));
  const shown = new Map<string, string>();
  for (const file of files) {
    const from = roots.find(({ root }) => file === root || file.startsWith(root.endsWith(sep) ? root : root + sep));
    shown.set(file, from ? (file === from.root ? from.given : join(from.given, relative(from.root, file))) : file);
  }
  return shown;
}
