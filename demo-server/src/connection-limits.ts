import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@batch-uploader/server';
import type { DemoConfig } from './config.js';

/** The settings that bound how long and how many connections the server holds. */
export type ConnectionLimits = Pick<DemoConfig, 'requestTimeoutMs' | 'headersTimeoutMs' | 'idleTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections'>;

/**
 * The HTTP server, with every connection bounded in time and number:
 *
 * - `headersTimeoutMs`: a request's headers must all arrive within this time (slowloris);
 * - `requestTimeoutMs`: a request, body included, must arrive within this time (408);
 * - `idleTimeoutMs`: a connection on which nothing arrives for this long while a request
 *   is coming in (a body that stalled), or with no request at all, is closed. A slow
 *   body that keeps moving is not cut. Once a request has fully arrived, silence is
 *   the server's own (a handler at work, an event stream between heartbeats) and the
 *   connection stays, unless the client stopped reading what it is sent;
 * - `keepAliveTimeoutMs`: an idle keep-alive connection between requests is closed;
 * - `maxConnections`: connections beyond this many are refused at once.
 *
 * Node checks the headers and request timeouts every second instead of every 30 s, so
 * they hold to about a second.
 */
export function createHttpServer(app: RequestListener, limits: ConnectionLimits, logger: Logger): Server {
  const server = createServer({ requestTimeout: limits.requestTimeoutMs, headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: 1_000 }, app);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;

  // The request each connection is serving, from its arrival until its response closes.
  const serving = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    serving.set(socket, { req, res });
    res.once('close', () => {
      if (serving.get(socket)?.req === req) serving.delete(socket);
    });
  });

  // Node emits 'timeout' after idleTimeoutMs without a byte either way; with a listener
  // here it leaves the decision to it.
  server.timeout = limits.idleTimeoutMs;
  server.on('timeout', (socket: Socket) => {
    const current = serving.get(socket);
    const stalled = !current || !current.req.complete || current.res.writableNeedDrain;
    if (stalled) socket.destroy();
  });

  let lastDropWarning = 0;
  server.on('drop', () => {
    if (Date.now() - lastDropWarning < 10_000) return;
    lastDropWarning = Date.now();
    logger.warn({ max_connections: limits.maxConnections }, 'connections refused: MAX_CONNECTIONS reached');
  });
  return server;
}
