/**
 * An HTTP proxy in front of a test server that records every request (method, path,
 * body bytes received) and can cut a connection: the n-th request of a method is
 * destroyed, client and server side, once `afterBytes` of its body have passed (or left
 * hanging, with `stall`). For
 * tests of uploads that must take up again after a dropped connection.
 */
import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through the proxy. */
export interface ProxiedRequest {
  method: string;
  /** The path without the query. */
  path: string;
  /** Body bytes the proxy received from the client (for a cut request: until the cut). */
  bodyBytes: number;
  /** The proxy destroyed this request's connection. */
  cut: boolean;
}

/**
 * Which request to cut: the `nth` (from 1) of `method`, after `afterBytes` of its body.
 * With `stall`, the connection is not destroyed but left hanging: nothing more of the
 * body is read or passed on, and no answer comes (a Wi-Fi link that went quiet).
 */
export interface CutRule {
  method: string;
  nth: number;
  afterBytes: number;
  stall?: boolean;
}

export interface CuttingProxy {
  /** The proxy's origin, `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request so far, in the order they began. */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** Starts a proxy on a free port that forwards to `target` (an origin), cutting as `cut` says. */
export async function startCuttingProxy(target: string, cut?: CutRule): Promise<CuttingProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const seen = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const method = req.method ?? 'GET';
    const record: ProxiedRequest = { method, path: (req.url ?? '/').split('?')[0]!, bodyBytes: 0, cut: false };
    requests.push(record);
    const count = (seen.get(method) ?? 0) + 1;
    seen.set(method, count);
    const cutting = cut && cut.method === method && cut.nth === count ? cut : null;
    // The Host header goes on unchanged, so the URLs the server answers with point at the proxy.
    const out = forward({ host: upstream.hostname, port: upstream.port, method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => {
      if (record.cut) return;
      record.bodyBytes += chunk.length;
      if (cutting && record.bodyBytes >= cutting.afterBytes) {
        record.cut = true;
        out.write(chunk.subarray(0, chunk.length - (record.bodyBytes - cutting.afterBytes)));
        if (cutting.stall) {
          req.pause(); // The client's socket fills up and its bytes stop leaving.
          return;
        }
        out.destroy();
        req.socket.destroy();
        return;
      }
      out.write(chunk);
    });
    req.on('end', () => {
      if (!record.cut) out.end();
    });
    // The client gave up on the request (e.g. a stalled one): the server sees it end too.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
