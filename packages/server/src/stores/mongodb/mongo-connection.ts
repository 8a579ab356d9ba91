import type { Db, MongoClient } from 'mongodb';
import { mongoDriver } from './mongo-driver.js';

/** How a MongoDB-backed store reaches its database. */
export interface MongoConnectionOptions {
  /**
   * Connection string; the store then owns its client (connects in `init()`, closes in
   * `close()`). Give `uri` or `client`, not both.
   * @example 'mongodb://db1,db2,db3/batch_uploader?replicaSet=rs0'
   */
  uri?: string;
  /**
   * A client the host owns and shares between stores; it is neither connected nor
   * closed by the store.
   */
  client?: MongoClient;
  /**
   * Database name. With `client`, name it here: the client's own default database is not used.
   * @default the database named in `uri`, else "batch_uploader"
   */
  dbName?: string;
}

/** The database the stores use unless the URI or `dbName` names another. */
export const DEFAULT_DB_NAME = 'batch_uploader';

/**
 * Options every client the stores create is given. Majority writes, and reads from the
 * primary only: a read after an acknowledged write must see it, or two instances could
 * disagree about who holds a file.
 */
export const CLIENT_DEFAULTS = Object.freeze({
  appName: 'batch-uploader',
  writeConcern: { w: 'majority' as const },
  readPreference: 'primary' as const,
});

/** Opens (when it owns the client) and closes one database connection for a store. */
export class MongoConnection {
  readonly #owner: string;
  readonly #uri: string | null;
  readonly #client: MongoClient | null;
  readonly #dbName: string;
  #owned: MongoClient | null = null;
  #db: Db | null = null;

  constructor(options: MongoConnectionOptions, owner: string) {
    this.#owner = owner;
    const hasUri = typeof options?.uri === 'string' && options.uri.trim() !== '';
    const hasClient = options?.client !== undefined && options.client !== null;
    if (hasUri === hasClient) {
      throw new TypeError(
        `${owner}: give either \`uri\` (e.g. "mongodb://localhost:27017/batch_uploader") or a connected-or-not \`client\`, not ${hasUri ? 'both' : 'neither'}.`,
      );
    }
    if (options.dbName !== undefined && (typeof options.dbName !== 'string' || !/^[^\s/\\."$]{1,63}$/.test(options.dbName))) {
      throw new TypeError(`${owner}: \`dbName\` must be a MongoDB database name (no spaces, "/", "\\", ".", '"' or "$").`);
    }
    this.#uri = hasUri ? options.uri!.trim() : null;
    this.#client = hasClient ? options.client! : null;
    this.#dbName = options.dbName ?? (this.#uri ? dbNameInUri(this.#uri) : null) ?? DEFAULT_DB_NAME;
  }

  /** Connects (when the store owns the client) and returns the database. */
  async open(): Promise<Db> {
    if (this.#db) return this.#db;
    let client = this.#client;
    if (!client) {
      this.#owned ??= new mongoDriver.MongoClient(this.#uri!, CLIENT_DEFAULTS);
      client = this.#owned;
      await client.connect();
    }
    this.#db = client.db(this.#dbName);
    return this.#db;
  }

  /** The open database; throws when `open()` has not run or the store was closed. */
  get db(): Db {
    if (!this.#db) throw new Error(`${this.#owner}: call init() before using the store (or it was closed).`);
    return this.#db;
  }

  /** Forgets the database, closing the client only when the store created it. */
  async close(): Promise<void> {
    this.#db = null;
    const owned = this.#owned;
    this.#owned = null;
    await owned?.close();
  }
}

/** The database a connection string names in its path, if any. */
export function dbNameInUri(uri: string): string | null {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(uri);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? null : name;
}
