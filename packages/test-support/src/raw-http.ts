import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A raw TCP connection to a server: what it received, and when (ms after connecting) the server closed it. */
export interface Raw {
  socket: Socket;
  received: () => string;
  closedAfter: Promise<number>;
}

/** Opens a raw connection to `127.0.0.1:port`. */
export async function rawConnect(port: number): Promise<Raw> {
  const socket = connect(port, '127.0.0.1');
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => {});
  const closedAfter = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => received, closedAfter };
}

/** Resolves with the time the socket took to close; fails (and closes it) if it is still open after `withinMs`. */
export async function closedWithin(raw: Raw, withinMs: number): Promise<number> {
  const stop = new AbortController();
  const timedOut = sleep(withinMs, 'still open', { signal: stop.signal }).catch(() => 'stopped');
  const first = await Promise.race([raw.closedAfter, timedOut]);
  stop.abort();
  if (typeof first === 'number') return first;
  raw.socket.destroy();
  throw new Error(`the server still held the connection after ${withinMs} ms`);
}

/** The boundary of the multipart bodies below. */
export const BOUNDARY = 'raw-upload-boundary';

/** The request line and headers of a multipart POST to `path` of `length` bytes. */
export function multipartHead(path: string, length: number): string {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` + `Content-Length: ${length}\r\n\r\n`;
}

/** One file part in the `files` field: its head and `bytes`, and with `last` the closing boundary. */
export function filePart(bytes: Uint8Array, last: boolean, name = 'scan.pdf'): Buffer {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), bytes, Buffer.from(last ? `\r\n--${BOUNDARY}--\r\n` : '\r\n')]);
}
