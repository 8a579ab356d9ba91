import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import multer from 'multer';

// The ingest baseline: Express + multer's diskStorage writing every file of the form to
// a folder, doing nothing else. Run as a child process by bench/figures/ingest.ts; it
// logs the same "listening" line as the demo server.
const dir = process.env.UPLOAD_DIR;
if (!dir) throw new Error('UPLOAD_DIR is required.');

const upload = multer({
  storage: multer.diskStorage({ destination: dir, filename: (_req, _file, callback) => callback(null, randomUUID()) }),
}).array('files');

const app = express();
app.post('/upload', upload, (req, res) => {
  res.status(202).json({ files: (req.files as Express.Multer.File[]).length });
});
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', api: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
