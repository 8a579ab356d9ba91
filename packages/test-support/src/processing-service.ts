/**
 * A processing service for `PROCESSOR_URL` (the HTTP processor) that inspects documents
 * for real — the server's own `inspectDocument`, a damaged PDF fails as `CORRUPT_FILE` —
 * and is unavailable for some files: it answers 503 to their first calls, so they fail
 * with `PROCESSING_FAILED` once the engine's attempts are used up, and succeed when
 * retried. This is how the browser tests get a failure that a retry can fix.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspectDocument } from '@batch-uploader/server/inspect';
import { documentFromText } from './patient-letters.js';

/** What the service is told about each file (the HTTP processor's context header). */
interface Context {
  file_id: string;
  filename: string;
}

/** Options of {@link startProcessingService}. */
export interface ProcessingServiceOptions {
  /** How many first calls of a file get a 503; 0 for files that always pass. @default () => 0 */
  unavailableFor?: (filename: string) => number;
  /** The 503's `Retry-After`, in seconds. @default 0 */
  retryAfterSeconds?: number;
  /**
   * Also answer `document` as a documents processor does, with the patient fields the
   * text layer names (see `patient-letters.ts`), for the wrong-patient guard. @default false
   */
  documentFields?: boolean;
  /** A code of the service's own to refuse the file with (422), or null to read it. @default () => null */
  refuse?: (filename: string) => string | null;
}

/** A running service: its URL for `processorUrl`, the calls it got per file name, and `close`. */
export interface ProcessingService {
  url: string;
  calls: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the service on a free port of 127.0.0.1. */
export async function startProcessingService(options: ProcessingServiceOptions = {}): Promise<ProcessingService> {
  const unavailableFor = options.unavailableFor ?? (() => 0);
  const calls = new Map<string, number>();
  const byFile = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const context = JSON.parse(String(req.headers['x-batch-uploader-context'])) as Context;
      const previous = byFile.get(context.file_id) ?? 0;
      byFile.set(context.file_id, previous + 1);
      calls.set(context.filename, (calls.get(context.filename) ?? 0) + 1);
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
      if (previous < unavailableFor(context.filename)) {
        answer(503, { code: 'BUSY' }, { 'Retry-After': String(options.retryAfterSeconds ?? 0) });
        return;
      }
      const refusal = options.refuse?.(context.filename) ?? null;
      if (refusal) {
        answer(422, { error: { code: refusal } });
        return;
      }
      inspectDocument(new Uint8Array(Buffer.concat(chunks))).then(
        (result) => answer(200, options.documentFields ? { ...result, document: documentFromText(result.text) } : result),
        (error: unknown) => answer(422, { code: (error as { code?: string }).code ?? 'UNREADABLE' }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/process`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
