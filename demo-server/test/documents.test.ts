import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentReading, UploadResponse } from '@batch-uploader/protocol';
import { makeTextPdf } from '@batch-uploader/test-support/documents';
import { startDemoServer } from '@batch-uploader/test-support/demo-server';
import { tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { ConfigError } from '../src/config.js';

const ECG_TEMPLATE = {
  id: 'ecg',
  type: 'ecg_report',
  title: 'ECG report',
  recognise: { min_score: 3, patterns: [{ pattern: '\\bECG\\b', weight: 3 }] },
  fields: { heart_rate: [{ pattern: 'ventricular rate:?\\s*(?<value>\\d{2,3})', validate: 'text' }] },
};

describe('the demo server reads documents (PROCESSOR=documents, the default)', () => {
  it("with TEMPLATES_DIR, a workspace's template reads its own type and field; PROCESSOR=inspect only checks", async () => {
    const dir = await tempDir();
    const templatesDir = join(dir, 'templates');
    await mkdir(templatesDir);
    await writeFile(join(templatesDir, 'ecg.json'), JSON.stringify(ECG_TEMPLATE));
    const pdf = await makeTextPdf(['ECG   DOB: 12/03/1961   Ventricular rate: 72 bpm'], {});
    const reading = async (overrides: Parameters<typeof startDemoServer>[0]): Promise<DocumentReading | undefined> => {
      const server = await startDemoServer(overrides);
      try {
        const res = await upload(server.api, [{ name: 'ecg.pdf', data: new Uint8Array(pdf) }], { patient_id: 'patient-7', template_id: 'ecg' });
        const { batch_id } = (await res.json()) as UploadResponse;
        const batch = await waitForFinished(server.api, batch_id);
        assert.equal(batch.files[0]!.status, 'completed');
        return (batch.files[0]!.result as { document?: DocumentReading }).document;
      } finally {
        await server.close();
      }
    };
    try {
      const document = await reading({ templatesDir });
      assert.equal(document?.type, 'ecg_report');
      assert.equal(document?.template_id, 'ecg');
      assert.equal(document?.text_source, 'pdf_text');
      assert.deepEqual(document?.fields, { heart_rate: '72', date_of_birth: '1961-03-12' });
      assert.equal(await reading({ processor: 'inspect' }), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a template file that is not valid stops the start, naming the file and the fault', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir, 'broken.json'), JSON.stringify({ ...ECG_TEMPLATE, recognise: { min_score: 0, patterns: [] } }));
      await assert.rejects(startDemoServer({ templatesDir: dir, dataDir: join(dir, 'data') }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^TEMPLATES_DIR: Template .*broken\.json: "recognise\.min_score" must be a number above 0\.$/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
