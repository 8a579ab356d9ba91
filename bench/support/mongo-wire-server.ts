import { startMongoWireServer } from '@batch-uploader/test-support/mongo-wire';

// The repository's MongoDB wire-protocol test server (packages/test-support/),
// run as a child process so that, like a real mongod, it does not share the bench's
// event loop. Logs the same "listening" line as the demo server, with the URI as `api`.
const server = await startMongoWireServer({ host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ msg: 'listening', api: server.uri })}\n`);
process.on('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
