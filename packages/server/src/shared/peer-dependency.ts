import { createRequire } from 'node:module';

// Drivers and parsers are optional peers: a host installs only those of the store and
// processor it uses (a host on MongoDB with its own processor compiles nothing native).
// They are loaded here, when a feature needs them, never by importing the package root.
const require = createRequire(import.meta.url);

/** Thrown when a feature is used whose optional peer package is not installed. */
export class MissingPeerDependencyError extends Error {
  override readonly name = 'MissingPeerDependencyError';
  /** A stable code for callers; never match on the message. */
  readonly code = 'MISSING_PEER_DEPENDENCY';
  /** The npm package to install, e.g. `better-sqlite3`. */
  readonly packageName: string;
  /** What needs it, e.g. `The SQLite store (@batch-uploader/server/sqlite)`. */
  readonly feature: string;

  constructor(packageName: string, feature: string, options?: { cause?: unknown }) {
    super(
      `${feature} needs the package "${packageName}", which is not installed. ` + `Install it beside @batch-uploader/server: npm install ${packageName}`,
      options,
    );
    this.packageName = packageName;
    this.feature = feature;
  }
}

/** True for a {@link MissingPeerDependencyError}, also one from another copy of this package. */
export function isMissingPeerDependencyError(error: unknown): error is MissingPeerDependencyError {
  return error instanceof Error && (error as { code?: unknown }).code === 'MISSING_PEER_DEPENDENCY';
}

/**
 * Loads an optional peer (a CommonJS package: better-sqlite3, mongodb, sharp,
 * nodemailer) for `feature`, or throws a {@link MissingPeerDependencyError} naming it.
 */
export function requirePeer<T>(name: string, feature: string): T {
  try {
    return require(name) as T;
  } catch (error) {
    if (isNotFound(error, name)) throw new MissingPeerDependencyError(name, feature, { cause: error });
    throw error;
  }
}

// Peers once found stay installed for the life of the process: checked once each.
const found = new Set<string>();

/**
 * Throws a {@link MissingPeerDependencyError} for the first of `names` that cannot be
 * found, without loading any: for features that load their peers later, in another
 * process or on first use, so that a missing one is named at construction.
 */
export function assertPeersInstalled(feature: string, ...names: string[]): void {
  for (const name of names) {
    if (found.has(name)) continue;
    try {
      // ESM resolution: pdfjs-dist is an ES module only.
      import.meta.resolve(name);
      found.add(name);
    } catch (error) {
      if (isNotFound(error, name)) throw new MissingPeerDependencyError(name, feature, { cause: error });
      throw error;
    }
  }
}

// Only the peer itself missing: a package it needs that is missing is another fault.
function isNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  const message = error instanceof Error ? error.message : '';
  return message.includes(`'${name}'`) || message.includes(`"${name}"`);
}
