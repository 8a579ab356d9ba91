/** Calls of the batch API as a client makes them, and what HTTP tests need around them. */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Batch, BatchStatusResponse } from '@batch-uploader/protocol';
import { waitFor } from './wait.js';

/** Tokens of two workspaces (clinic-a, clinic-b), for tests of authentication and isolation. */
export const TOKEN_A = 'token-a-0123456789abcdef';
export const TOKEN_B = 'token-b-0123456789abcdef';
/** The headers of a caller of clinic-a, and of clinic-b. */
export const asA = { authorization: `Bearer ${TOKEN_A}` };
export const asB = { authorization: `Bearer ${TOKEN_B}` };

/** The server's `apiTokens` for those two workspaces. */
export function twoClinics(): Map<string, string> {
  return new Map([
    [TOKEN_A, 'clinic-a'],
    [TOKEN_B, 'clinic-b'],
  ]);
}

/** A fresh, private data folder. */
export async function tempDir(prefix = 'batch-uploader-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** One file of a test upload. */
export interface UploadPart {
  name: string;
  data: Uint8Array<ArrayBuffer>;
  type?: string;
}

/** Posts a multipart batch upload the way a browser form or curl -F does. */
export async function upload(api: string, files: UploadPart[], fields: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  for (const file of files) form.append('files', new Blob([file.data], { type: file.type ?? 'application/octet-stream' }), file.name);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return fetch(`${api}/batch-upload`, { method: 'POST', body: form, headers });
}

/** Reads a batch's status. */
export async function getBatch(api: string, batchId: string, headers: Record<string, string> = {}): Promise<Batch> {
  const res = await fetch(`${api}/batch-status/${batchId}`, { headers });
  if (!res.ok) throw new Error(`status ${res.status}: ${await res.text()}`);
  return ((await res.json()) as BatchStatusResponse).batch;
}

/** Waits until the batch has reached a final status and returns it. */
export function waitForFinished(api: string, batchId: string, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Batch> {
  return waitFor(
    async () => {
      const batch = await getBatch(api, batchId, headers);
      return batch.finished_at ? batch : null;
    },
    { timeoutMs, everyMs: 100 },
  );
}

/** Every file below `dir`, as paths relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
    .sort();
}
