import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { UploadResponse } from '@batch-uploader/protocol';
import { documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';
import { tempDir, upload, waitForFinished } from '@batch-uploader/test-support/http';
import { ConfigError } from '../src/config.js';

/** Every entry below `dir` with its permission bits, e.g. `files/ab/abcd… 600`. */
async function modes(dir: string): Promise<Map<string, { mode: number; isDir: boolean }>> {
  const found = new Map<string, { mode: number; isDir: boolean }>();
  const top = await stat(dir);
  found.set('.', { mode: top.mode & 0o777, isDir: true });
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path).catch(() => null);
    if (info) found.set(path.slice(dir.length + 1), { mode: info.mode & 0o777, isDir: info.isDirectory() });
  }
  return found;
}

function assertPrivate(found: Map<string, { mode: number; isDir: boolean }>): void {
  for (const [path, { mode, isDir }] of found) {
    assert.equal(mode.toString(8), isDir ? '700' : '600', `${path} (${isDir ? 'folder' : 'file'})`);
  }
}

describe('DATA_DIR is private to the server user', () => {
  it('a folder made beforehand (0755) and files left 0644 become 0700 and 0600, SQLite journal files included', async () => {
    const docs = await documents();
    const dataDir = await tempDir();
    const servers: Array<{ close(): Promise<void> }> = [];
    try {
      await chmod(dataDir, 0o755);

      // A first run on the pre-made folder: the SQLite file and its journals, while it runs.
      const first = await startTestServer({ dataDir, retentionHours: 1000 });
      servers.push(first);
      let res = await upload(first.api, [
        { name: 'a.pdf', data: docs.pdf },
        { name: 'b.png', data: docs.png },
      ]);
      assert.equal(res.status, 202);
      await waitForFinished(first.api, ((await res.json()) as UploadResponse).batch_id);
      const running = await modes(dataDir);
      for (const name of ['batches.sqlite', 'batches.sqlite-wal', 'batches.sqlite-shm']) assert.ok(running.has(name), name);
      assert.ok([...running.keys()].filter((p) => p.startsWith('files/')).length >= 2, 'stored bytes are there');
      assertPrivate(running);
      await first.close();

      // Loosened by hand (or left so by an older version), with a journal and a stray upload too.
      await writeFile(join(dataDir, 'batches.sqlite-wal'), '');
      await writeFile(join(dataDir, 'uploads', 'left-over.upload'), 'bytes');
      for (const [path, { isDir }] of await modes(dataDir)) await chmod(join(dataDir, path), isDir ? 0o755 : 0o644);

      const second = await startTestServer({ dataDir, retentionHours: 1000 });
      servers.push(second);
      res = await upload(second.api, [{ name: 'c.jpeg', data: docs.jpeg }]);
      assert.equal(res.status, 202);
      await waitForFinished(second.api, ((await res.json()) as UploadResponse).batch_id);
      const after = await modes(dataDir);
      assert.ok([...after.keys()].filter((p) => p.startsWith('files/')).length >= 3);
      assertPrivate(after);
      await second.close();
    } finally {
      for (const server of servers) await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a DATA_DIR that cannot be made private stops the start with a message naming it', async (t) => {
    const dataDir = await tempDir();
    const run = promisify(execFile);
    // A read-only file system (root may chmod anything else): needs root to mount, as in CI.
    const mounted = await run('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m,mode=0755', 'tmpfs', dataDir]).then(
      () => true,
      () => false,
    );
    try {
      if (!mounted) return t.skip('cannot mount a tmpfs here (needs root)');
      await assert.rejects(startTestServer({ dataDir }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /DATA_DIR .* cannot be made private to this user \(EROFS\)/);
        return true;
      });
    } finally {
      if (mounted) await run('umount', [dataDir]);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
