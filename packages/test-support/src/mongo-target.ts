import { randomUUID } from 'node:crypto';
import { startMongoWireServer } from './mongo-wire/index.js';

/** Where MongoDB-backed tests run. */
export interface MongoTarget {
  /** `mongod` when MONGODB_URI is set, else the in-process wire test server. */
  kind: 'mongod' | 'wire-test-server';
  /** A connection string without a database; use `uriFor` to name one. */
  uri: string;
  /** The connection string naming database `dbName`, keeping any options of MONGODB_URI. */
  uriFor(dbName: string): string;
  /** Stops the wire test server, if one was started. */
  close(): Promise<void>;
}

/**
 * A real MongoDB when `MONGODB_URI` is set (how the store is verified for real), else a
 * fresh wire test server on 127.0.0.1 (so CI still drives the official driver over a socket).
 */
export async function mongoTarget(env: NodeJS.ProcessEnv = process.env): Promise<MongoTarget> {
  const external = env.MONGODB_URI?.trim();
  if (external) {
    return { kind: 'mongod', uri: withDatabase(external, ''), uriFor: (db) => withDatabase(external, db), close: async () => {} };
  }
  const server = await startMongoWireServer();
  return { kind: 'wire-test-server', uri: server.uri, uriFor: (db) => withDatabase(server.uri, db), close: () => server.close() };
}

/** A database name of its own for one test: tests sharing a queue would claim each other's files. */
export function freshDbName(purpose: string): string {
  return `bu_test_${purpose}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** Replaces the database in a connection string's path, keeping hosts and options. */
export function withDatabase(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI does not look like a mongodb:// or mongodb+srv:// connection string.');
  return `${match[1]}/${dbName}${match[2] ?? ''}`;
}
