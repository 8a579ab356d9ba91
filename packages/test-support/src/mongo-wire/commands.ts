import type { Document } from 'bson';
import { CommandError } from './command-error.js';
import * as read from './read-commands.js';
import type { CommandContext } from './read-commands.js';
import * as write from './write-commands.js';

/** Wire version of MongoDB 7.0: new enough for every feature the driver and the store use. */
const MAX_WIRE_VERSION = 21;

type Handler = (context: CommandContext & { connectionId: number }) => Document;

function hello({ connectionId }: { connectionId: number }): Document {
  // No setName and no topologyVersion: the driver sees one standalone server and polls it.
  return {
    helloOk: true,
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

function buildInfo(): Document {
  return { version: '7.0.0-wire-test', versionArray: [7, 0, 0, 0], maxBsonObjectSize: 16 * 1024 * 1024, ok: 1 };
}

/** Every command this server answers, by name. Anything else is CommandNotFound. */
const HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({
  hello,
  isMaster: hello,
  ismaster: hello,
  buildInfo,
  buildinfo: buildInfo,
  ping: () => ({ ok: 1 }),
  endSessions: () => ({ ok: 1 }),
  killCursors: read.killCursors,
  find: read.find,
  getMore: read.getMore,
  aggregate: read.aggregate,
  count: read.count,
  distinct: read.distinct,
  listIndexes: read.listIndexes,
  listCollections: read.listCollections,
  insert: write.insert,
  update: write.update,
  findAndModify: write.findAndModify,
  findandmodify: write.findAndModify,
  delete: write.remove,
  createIndexes: write.createIndexes,
  drop: write.drop,
  dropDatabase: write.dropDatabase,
});

/** The command names answered, for documentation and tests. */
export const SUPPORTED_COMMANDS: readonly string[] = Object.freeze(Object.keys(HANDLERS));

/** Runs one command against the state; throws CommandError for anything it cannot answer. */
export function runCommand(context: CommandContext & { connectionId: number }): Document {
  const name = Object.keys(context.command)[0] ?? '';
  const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (!handler) throw new CommandError('CommandNotFound', `no such command: '${name}' (this wire test server answers only: ${SUPPORTED_COMMANDS.join(', ')})`);
  // A standalone mongod refuses transactions and retryable-write numbers the same way.
  if (context.command.startTransaction || context.command.autocommit === false || context.command.txnNumber !== undefined) {
    throw new CommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
  }
  return handler(context);
}
