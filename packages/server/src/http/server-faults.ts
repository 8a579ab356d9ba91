/**
 * Faults of the server's own storage that are not bugs, told apart so that the client
 * hears "try later" instead of "you did something wrong" or a bare 500. Recognised by the
 * error codes and names Node, SQLite and the MongoDB driver give, without importing any
 * driver. Causes (`error.cause`) are followed, so a wrapped error counts too.
 */
export type ServerFault = 'out_of_space' | 'unavailable';

// ENOSPC / EDQUOT: the disk or the user's quota is full (quarantine, blob store);
// SQLITE_FULL: the same, met by SQLite; OutOfDiskSpace (14031): met by MongoDB.
const OUT_OF_SPACE_CODES = new Set<unknown>(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', 14031]);

// SQLite locked by another process for longer than its busy timeout; MongoDB not reachable.
const UNAVAILABLE_CODES = new Set<unknown>(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);
const UNAVAILABLE_NAMES = new Set<unknown>([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
]);

/** What kind of storage fault `error` (or one of its causes) is, or null for anything else. */
export function serverFault(error: unknown): ServerFault | null {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, codeName, name } = e as { code?: unknown; codeName?: unknown; name?: unknown };
    if (OUT_OF_SPACE_CODES.has(code) || codeName === 'OutOfDiskSpace') return 'out_of_space';
    if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_NAMES.has(name)) return 'unavailable';
  }
  return null;
}
