import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Document } from 'bson';
import { asCommandError } from './command-error.js';
import { runCommand } from './commands.js';
import { MemoryState } from './memory-state.js';
import { WireFormatError, decodeRequest, encodeReply, takeMessages, type WireRequest } from './wire-messages.js';

const MAX_MESSAGE_BYTES = 48_000_000;

/** A running wire test server. */
export interface MongoWireServer {
  /** `mongodb://127.0.0.1:<port>`; append `/<db>` to name a database. */
  uri: string;
  port: number;
  /** The data it holds, for tests of the server itself. */
  state: MemoryState;
  /** How many commands it has answered, by name. */
  commandCounts: Map<string, number>;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/**
 * Starts an in-process server that speaks enough of the MongoDB wire protocol for the
 * official driver to run the MongoDB store and GridFS against it. TEST SUPPORT ONLY:
 * see README.md in this folder for what it does and does not do.
 *
 * Commands run one at a time, in arrival order across all connections (a single queue),
 * and each runs to its end before the next starts: that is what makes findAndModify atomic.
 */
export async function startMongoWireServer(options: { host?: string; port?: number } = {}): Promise<MongoWireServer> {
  const state = new MemoryState();
  const commandCounts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let queue: Promise<void> = Promise.resolve();
  let nextConnectionId = 1;
  let nextRequestId = 1;

  const answer = (request: WireRequest, connectionId: number): Document => {
    const { command } = request;
    const name = Object.keys(command)[0] ?? '';
    commandCounts.set(name, (commandCounts.get(name) ?? 0) + 1);
    const db = typeof command.$db === 'string' ? command.$db : 'admin';
    try {
      return runCommand({ state, command, db, connectionId });
    } catch (error) {
      return asCommandError(error).toReply();
    }
  };

  const server = createServer((socket) => {
    const connectionId = nextConnectionId++;
    sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        ({ messages, rest: pending } = takeMessages(Buffer.concat([pending, chunk]), MAX_MESSAGE_BYTES));
      } catch {
        socket.destroy();
        return;
      }
      for (const message of messages) {
        queue = queue.then(() => {
          if (socket.destroyed) return;
          try {
            const request = decodeRequest(message);
            const reply = answer(request, connectionId);
            if (!request.noReply) socket.write(encodeReply(request, reply, nextRequestId++));
          } catch (error) {
            // Bytes it cannot read, or a reply it cannot encode: drop this connection, keep serving others.
            if (!(error instanceof WireFormatError)) console.error('mongo-wire test server:', error);
            socket.destroy();
          }
        });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  return {
    uri: `mongodb://${address}:${port}`,
    port,
    state,
    commandCounts,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
