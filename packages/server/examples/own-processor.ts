/**
 * A host application that plugs in its own processor function: every uploaded document
 * is filed into the host's records system (here a small in-memory one standing in for
 * an EHR) instead of going through the built-in inspector.
 *
 * Run it from the repository root, after `npm run build`:
 *
 *   node --import tsx packages/server/examples/own-processor.ts
 *   curl -F files=@referral.pdf -F patient_id=P-77 http://127.0.0.1:3000/api/gp/batch-upload
 *   curl http://127.0.0.1:3000/api/gp/batch-status/<batch_id>
 *
 * A file uploaded without `patient_id` fails at once with a reason a clerk can act on; while
 * the records system is unavailable, files wait and are tried again with backoff.
 */
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { BatchEngine, LocalBlobStore, PermanentError, TransientError, createBatchRouter, sweepQuarantine, type Processor } from '@batch-uploader/server';
import { SqliteStore } from '@batch-uploader/server/sqlite';

/** One document as the records system keeps it. */
export interface FiledDocument {
  record_id: string;
  patient_id: string;
  type: string | null;
  sha256: string;
  bytes: number;
}

/** The host's own records system. Its `available` switch lets the example show retries. */
export class DocumentRecords {
  /** False while the system is down for maintenance: filing then throws. */
  available = true;
  readonly documents = new Map<string, FiledDocument>();

  async file(patientId: string, type: string | null, bytes: Buffer): Promise<FiledDocument> {
    if (!this.available) throw new Error('records system unavailable');
    const document: FiledDocument = {
      record_id: randomUUID(),
      patient_id: patientId,
      type,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
    };
    this.documents.set(document.record_id, document);
    return document;
  }
}

/**
 * The processor: a function of the file and its context. What it returns is stored as
 * the file's `result`; a PermanentError fails the file now (its message is shown to
 * clerks, so it never quotes the document); a TransientError is retried with backoff.
 */
export function fileIntoRecords(records: DocumentRecords): Processor {
  return async (file, { patient_id, signal }) => {
    if (!patient_id) throw new PermanentError('NO_PATIENT', 'Choose the patient, then upload this document again.');
    const bytes = await file.read();
    signal.throwIfAborted();
    try {
      const filed = await records.file(patient_id, file.detected_type, bytes);
      // Ids and facts only: the result is shown in the batch status.
      return { record_id: filed.record_id, sha256: filed.sha256, bytes: filed.bytes };
    } catch (error) {
      throw new TransientError('The records system did not answer.', { cause: error, retryAfterMs: 1_000 });
    }
  };
}

/** A running example app. */
export interface ExampleApp {
  /** The API's base URL, e.g. `http://127.0.0.1:3000/api/gp`. */
  api: string;
  records: DocumentRecords;
  close(): Promise<void>;
}

/** Starts the host app: SQLite and a folder under `dataDir`, the processor above, the API under `/api/gp`. */
export async function startExampleApp(options: { dataDir: string; port?: number }): Promise<ExampleApp> {
  const records = new DocumentRecords();
  const store = new SqliteStore({ path: join(options.dataDir, 'batches.sqlite') });
  const blobs = new LocalBlobStore({ dir: join(options.dataDir, 'files') });
  await Promise.all([store.init(), blobs.init()]);
  const engine = new BatchEngine({ store, blobs, processor: fileIntoRecords(records), backoff: { baseMs: 500, maxMs: 5_000 } });

  const uploadDir = join(options.dataDir, 'uploads');
  await sweepQuarantine(uploadDir);
  const app = express();
  // A real host uses its own sessions here; every caller of this example shares one workspace.
  app.use('/api/gp', createBatchRouter({ engine, uploadDir, authenticate: () => ({ workspace_id: 'example-clinic' }) }));
  const server = app.listen(options.port ?? 3000, '127.0.0.1');
  await once(server, 'listening');
  await engine.start();

  return {
    api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gp`,
    records,
    async close() {
      const stopped = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await stopped;
      await engine.close();
      await Promise.all([store.close(), blobs.close()]);
    },
  };
}

// Run as a program: serve on PORT (default 3000) with data in ./data/own-processor-example.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const app = await startExampleApp({ dataDir: './data/own-processor-example', port: Number(process.env.PORT ?? 3000) });
  console.warn(`Upload to ${app.api}/batch-upload (Ctrl-C stops).`);
  process.once('SIGINT', () => void app.close().then(() => process.exit(0)));
}
