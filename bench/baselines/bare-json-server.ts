import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';

// The status baseline: Express answering one GET with a fixed JSON payload through
// res.json (so serialised per request, as any JSON route does), nothing else. The payload
// is the real server's status body, read from PAYLOAD_FILE. Run as a child process by
// bench/figures/status-rps.ts; it logs the same "listening" line as the demo server.
const file = process.env.PAYLOAD_FILE;
if (!file) throw new Error('PAYLOAD_FILE is required.');
const payload = JSON.parse(readFileSync(file, 'utf8')) as unknown;

const app = express();
app.get('/status', (_req, res) => {
  res.json(payload);
});
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', api: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
