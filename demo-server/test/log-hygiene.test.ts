import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UploadResponse } from '@batch-uploader/protocol';
import { PAGE_WORDS } from '@batch-uploader/test-support/documents';
import { startChild, stopChild, type Child } from './child-server.js';
import { documents } from '@batch-uploader/test-support/documents';
import { tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';

const PATIENT = 'patient-log-4711';
const NAMES = ['Jane-Doe-referral.pdf', 'John-Smith-broken.pdf', 'Mary-Major-program.pdf', 'Appended-Ann-Lee.png', 'Too-Big-Bob.pdf'];

describe('logs of the batch operations', () => {
  it('at debug level, upload, pause, append, resume, retry, analytics and failing webhooks log no patient id, filename or document text', async () => {
    const docs = await documents();
    // A webhook receiver that is always down, so delivery failures are logged too.
    const receiver = createServer((_req, res) => res.writeHead(500).end());
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const dataDir = await tempDir();
    let child: Child | null = null;
    try {
      child = await startChild({
        DATA_DIR: dataDir,
        LOG_LEVEL: 'debug',
        PROCESSING_DELAY_MS: '300',
        CONCURRENCY: '1',
        MAX_FILE_SIZE_MB: '1',
        WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
        WEBHOOK_SECRET: 'webhook-secret-0123456789abcdef',
      });
      const { api } = child;
      const res = await upload(
        api,
        [
          { name: NAMES[0]!, data: docs.pdf },
          { name: NAMES[1]!, data: docs.truncatedPdf },
          { name: NAMES[2]!, data: docs.exe },
        ],
        { patient_id: PATIENT, template_id: 'referral' },
      );
      const { batch_id } = (await res.json()) as UploadResponse;
      await fetch(`${api}/batch/${batch_id}/pause`, { method: 'POST' });
      const form = new FormData();
      form.append('files', new Blob([docs.png]), NAMES[3]);
      assert.equal((await fetch(`${api}/batch/${batch_id}/files`, { method: 'POST', body: form })).status, 202);
      const tooBig = new FormData();
      tooBig.append('files', new Blob([new Uint8Array(2 * 1024 * 1024)]), NAMES[4]);
      assert.equal((await fetch(`${api}/batch/${batch_id}/files`, { method: 'POST', body: tooBig })).status, 413);
      await fetch(`${api}/batch/${batch_id}/resume`, { method: 'POST' });
      await waitForFinished(api, batch_id);
      assert.equal((await fetch(`${api}/batch/${batch_id}/retry`, { method: 'POST' })).status, 200);
      const retried = await waitForFinished(api, batch_id);
      assert.equal(retried.files[0]!.status, 'completed');
      await fetch(`${api}/batch-analytics?since=${new Date().toISOString().slice(0, 10)}`);
      await fetch(`${api}/batch-history`);
      await waitFor(() => Promise.resolve(child!.output().includes('webhook delivery failed')), 15_000);

      const output = child.output();
      // The operations did log: the check below is about what those lines carry.
      for (const line of ['batch paused', 'files appended', 'batch resumed', 'failed files retried', 'webhook delivery failed']) {
        assert.match(output, new RegExp(line), `logged "${line}"`);
      }
      assert.ok(!output.includes(PATIENT), 'no patient id');
      for (const name of NAMES) assert.ok(!output.includes(name.replace(/\.\w+$/, '')), `no filename (${name})`);
      assert.ok(!output.includes(PAGE_WORDS[0]), 'no document text');
    } finally {
      if (child) await stopChild(child);
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
