import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BatchStatusResponse, ErrorResponse, UploadResponse } from '@batch-uploader/protocol';
import { makeTextPdf } from '@batch-uploader/test-support/documents';

// The router in a host app of each supported Express major, each host a process of its
// own: an error raised in an async handler or middleware must reach the router's error
// middleware and answer with the envelope. On Express 4 a rejection that nothing
// handles ends the whole host process, every other request of the portal with it.

const MAIN = fileURLToPath(new URL('./support/router-host-main.ts', import.meta.url));
const USE_EXPRESS4 = fileURLToPath(new URL('./support/use-express4.ts', import.meta.url));
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const clinic = { 'x-workspace': 'clinic-a' };

interface Host {
  process: ChildProcess;
  api: string;
  express: string;
  output: () => string;
}

const hosts: Host[] = [];
after(async () => {
  await Promise.all(
    hosts.map(async (host) => {
      if (host.process.exitCode !== null || host.process.signalCode !== null) return;
      host.process.kill('SIGTERM');
      await once(host.process, 'exit');
    }),
  );
});

async function startHost(major: 4 | 5): Promise<Host> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...(major === 4 ? ['--import', USE_EXPRESS4] : []), MAIN], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before listening: ${output}`)));
  });
  const { api, express } = JSON.parse(line) as { api: string; express: string };
  const host = { process: child, api, express, output: () => output };
  hosts.push(host);
  return host;
}

async function errorOf(res: Response): Promise<ErrorResponse['error']> {
  const body = (await res.json()) as ErrorResponse;
  assert.equal(body.status, 'error');
  return body.error;
}

/** The host is still running and answers. */
async function assertAlive(host: Host): Promise<void> {
  const res = await fetch(`${host.api}/limits`, { headers: clinic });
  assert.equal(res.status, 200, host.output());
  await res.body?.cancel();
  assert.equal(host.process.exitCode, null, `the host process ended: ${host.output()}`);
  assert.equal(host.process.signalCode, null);
}

for (const major of [4, 5] as const) {
  describe(`the router in an Express ${major} host`, () => {
    let host: Host;

    it(`runs on Express ${major}`, async () => {
      host = await startHost(major);
      assert.equal(Number(host.express.split('.')[0]), major);
    });

    it('answers 400 to a batch id that is not one, and the host goes on', async () => {
      const res = await fetch(`${host.api}/batch-status/not-a-uuid`, { headers: clinic });
      assert.equal(res.status, 400);
      assert.equal((await errorOf(res)).code, 'INVALID_BATCH_ID');
      for (const path of ['/batch/not-a-uuid/cancel', '/batch/not-a-uuid/retry']) {
        const post = await fetch(host.api + path, { method: 'POST', headers: clinic });
        assert.equal(post.status, 400, path);
        await post.body?.cancel();
      }
      const events = await fetch(`${host.api}/batch-events/not-a-uuid`, { headers: clinic });
      assert.equal(events.status, 400);
      await events.body?.cancel();
      await assertAlive(host);
    });

    it('answers 404 for an unknown batch (an error after an await) and 401 without a caller', async () => {
      const unknown = await fetch(`${host.api}/batch-status/${UNKNOWN}`, { headers: clinic });
      assert.equal(unknown.status, 404);
      assert.equal((await errorOf(unknown)).code, 'BATCH_NOT_FOUND');
      const anonymous = await fetch(`${host.api}/batch-history`);
      assert.equal(anonymous.status, 401);
      assert.equal((await errorOf(anonymous)).code, 'UNAUTHORIZED');
      await assertAlive(host);
    });

    it('answers 500 with the envelope when the host’s async authentication rejects', async () => {
      const res = await fetch(`${host.api}/batch-history`, { headers: { ...clinic, 'x-fail-auth': '1' } });
      assert.equal(res.status, 500);
      assert.equal((await errorOf(res)).code, 'INTERNAL');
      await assertAlive(host);
    });

    it('answers 400 to a broken multipart upload, then takes a real one and processes it', async () => {
      const broken = await fetch(`${host.api}/batch-upload`, {
        method: 'POST',
        headers: { ...clinic, 'content-type': 'multipart/form-data; boundary=xyz' },
        body: '--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF-1.4 cut',
      });
      assert.equal(broken.status, 400);
      assert.equal((await errorOf(broken)).code, 'MALFORMED_UPLOAD');

      const form = new FormData();
      form.append('files', new Blob([new Uint8Array(await makeTextPdf(['Referral']))], { type: 'application/pdf' }), 'referral.pdf');
      const res = await fetch(`${host.api}/batch-upload`, { method: 'POST', headers: clinic, body: form });
      assert.equal(res.status, 202);
      const { batch_id } = (await res.json()) as UploadResponse;
      let batch: BatchStatusResponse['batch'] | undefined;
      for (let i = 0; i < 200 && !batch?.finished_at; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        batch = ((await (await fetch(`${host.api}/batch-status/${batch_id}`, { headers: clinic })).json()) as BatchStatusResponse).batch;
      }
      assert.equal(batch?.status, 'completed');
      await assertAlive(host);
    });
  });
}
