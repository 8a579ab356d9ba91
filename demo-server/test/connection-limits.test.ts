/**
 * How long and how many connections the server holds, seen from raw TCP sockets: a body
 * that stalls is cut (and its upload removed), a slow one is not; headers that never
 * finish, silent connections and idle keep-alive connections are closed; live event
 * streams stay open however long they are silent; past MAX_CONNECTIONS connections
 * are refused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UploadResponse } from '@batch-uploader/protocol';
import { documents } from '@batch-uploader/test-support/documents';
import { startDemoServer as startTestServer } from '@batch-uploader/test-support/demo-server';
import { listFiles, upload } from '@batch-uploader/test-support/http';
import { waitFor } from '@batch-uploader/test-support/wait';
import { closedWithin, filePart, multipartHead, rawConnect } from '@batch-uploader/test-support/raw-http';

describe('connection limits', () => {
  it('a body that stops arriving is cut after IDLE_TIMEOUT_MS, and its upload is removed', async () => {
    const docs = await documents();
    const server = await startTestServer({ idleTimeoutMs: 1_000 });
    try {
      const uploads = join(server.dataDir, 'uploads');
      const raw = await rawConnect(server.port);
      raw.socket.write(multipartHead('/api/gp/batch-upload', 5_000_000));
      raw.socket.write(filePart(docs.pdf, false));
      // The bytes that arrived are in quarantine while the request lasts.
      await waitFor(async () => (await listFiles(uploads)).length === 1, 5_000);
      // Node's own default held it 300 s and more.
      const closedAfter = await closedWithin(raw, 15_000);
      assert.ok(closedAfter >= 900, `closed after ${closedAfter} ms, not before the idle time`);
      await waitFor(async () => (await listFiles(uploads)).length === 0, 5_000);
      // The server goes on serving.
      const res = await upload(server.api, [{ name: 'ok.pdf', data: docs.pdf }]);
      assert.equal(res.status, 202);
    } finally {
      await server.close();
    }
  });

  it('a slow body that keeps moving is not cut, though it takes longer than the idle time', async () => {
    const docs = await documents();
    const server = await startTestServer({ idleTimeoutMs: 1_000 });
    try {
      const whole = filePart(docs.pdf, true);
      const raw = await rawConnect(server.port);
      raw.socket.write(multipartHead('/api/gp/batch-upload', whole.length));
      // Ten pieces, 400 ms apart: 3.6 s for the body, no gap as long as the idle time.
      const piece = Math.ceil(whole.length / 10);
      for (let at = 0; at < whole.length; at += piece) {
        raw.socket.write(whole.subarray(at, at + piece));
        await sleep(400);
      }
      await waitFor(async () => /\r\n\r\n\{.*\}$/s.test(raw.received()), 10_000);
      assert.match(raw.received(), /^HTTP\/1\.1 202 /);
      const answer = JSON.parse(raw.received().split('\r\n\r\n')[1]!) as UploadResponse;
      assert.equal(answer.total_files, 1);
      raw.socket.destroy();
    } finally {
      await server.close();
    }
  });

  it('headers that never finish, and a connection that says nothing, are closed', async () => {
    const server = await startTestServer({ headersTimeoutMs: 1_500, idleTimeoutMs: 30_000 });
    try {
      const trickle = await rawConnect(server.port);
      trickle.socket.write('GET /api/gp/limits HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      // A header line every 200 ms: never idle, never done.
      const dribble = setInterval(() => trickle.socket.writable && trickle.socket.write(`X-Slow-${Date.now()}: 1\r\n`), 200);
      try {
        const closedAfter = await closedWithin(trickle, 10_000);
        assert.ok(closedAfter >= 1_400, `closed after ${closedAfter} ms`);
        assert.match(trickle.received(), /^HTTP\/1\.1 408 /);
      } finally {
        clearInterval(dribble);
      }
    } finally {
      await server.close();
    }

    const quiet = await startTestServer({ idleTimeoutMs: 1_000 });
    try {
      const silent = await rawConnect(quiet.port);
      assert.ok((await closedWithin(silent, 10_000)) >= 900);
    } finally {
      await quiet.close();
    }
  });

  it('an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const server = await startTestServer({ keepAliveTimeoutMs: 500, idleTimeoutMs: 30_000 });
    try {
      const raw = await rawConnect(server.port);
      raw.socket.write('GET /api/gp/limits HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await waitFor(async () => raw.received().includes('"limits"'), 5_000);
      assert.match(raw.received(), /keep-alive/i);
      const answeredAt = Date.now();
      await closedWithin(raw, 10_000);
      assert.ok(Date.now() - answeredAt >= 400);
    } finally {
      await server.close();
    }
  });

  it('a live event stream stays open through silences longer than the idle time', async () => {
    const docs = await documents();
    // Heartbeats every 10 s and files that take 1.5 s each: the stream is silent for far longer than 300 ms.
    const server = await startTestServer({ idleTimeoutMs: 300, heartbeatMs: 10_000, processingDelayMs: 1_500, concurrency: 1 });
    try {
      const res = await upload(server.api, [
        { name: 'a.pdf', data: docs.pdf },
        { name: 'b.pdf', data: docs.pdf },
      ]);
      const { batch_id } = (await res.json()) as UploadResponse;
      const stream = await fetch(`${server.api}/batch-events/${batch_id}`);
      assert.equal(stream.status, 200);
      let text = '';
      const decoder = new TextDecoder();
      const reader = stream.body!.getReader();
      while (!/^event: ?end$/m.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      await reader.cancel();
      assert.match(text, /^event: ?end$/m, `the stream ran to the end of the batch: ${text.slice(-300)}`);
      assert.match(text, /"completed":2/);
    } finally {
      await server.close();
    }
  });

  it('refuses connections past MAX_CONNECTIONS, and takes them again once some close', async () => {
    const server = await startTestServer({ maxConnections: 3, idleTimeoutMs: 30_000 });
    try {
      const held = await Promise.all([rawConnect(server.port), rawConnect(server.port), rawConnect(server.port)]);
      const refused = await rawConnect(server.port);
      await closedWithin(refused, 5_000);
      assert.equal(refused.received(), '', 'closed without an answer');
      for (const raw of held) raw.socket.destroy();
      await Promise.all(held.map((raw) => raw.closedAfter));
      await waitFor(async () => (await fetch(`${server.api}/limits`)).status === 200, 5_000);
    } finally {
      await server.close();
    }
  });
});
