import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MongoClient, MongoServerError } from 'mongodb';
import type { Db } from 'mongodb';
import { startMongoWireServer, type MongoWireServer } from '@batch-uploader/test-support/mongo-wire';

// The wire test server is test support: these tests drive it through the official driver,
// so that its own bugs show up here rather than as puzzling store failures.
let server: MongoWireServer;
let client: MongoClient;
let dbCount = 0;
const freshDb = (): Db => client.db(`wire_${++dbCount}`);

before(async () => {
  server = await startMongoWireServer();
  client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
});
after(async () => {
  await client.close();
  await server.close();
});

void describe('mongo-wire test server', () => {
  void it('answers the driver handshake on 127.0.0.1, and unknown commands with CommandNotFound (59)', async () => {
    assert.match(server.uri, /^mongodb:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
    const hello = await client.db('admin').command({ hello: 1 });
    assert.equal(hello.isWritablePrimary, true);
    assert.ok(hello.localTime instanceof Date);
    await assert.rejects(client.db('admin').command({ replSetGetStatus: 1 }), (error: unknown) => {
      assert.ok(error instanceof MongoServerError);
      assert.equal(error.code, 59);
      assert.equal(error.codeName, 'CommandNotFound');
      assert.match(error.message, /no such command: 'replSetGetStatus'/);
      return true;
    });
  });

  void it('returns large results in batches through getMore and closes drained cursors', async () => {
    const things = freshDb().collection<{ _id: number; even: boolean }>('things');
    await things.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i, even: i % 2 === 0 })));
    const before = server.commandCounts.get('getMore') ?? 0;
    const all = await things.find({}, { batchSize: 40, sort: { _id: -1 } }).toArray();
    assert.equal(all.length, 250);
    assert.equal(all[0]!._id, 249, 'sorted');
    assert.ok((server.commandCounts.get('getMore') ?? 0) - before >= 6, 'read in batches of 40');
    assert.equal(await things.countDocuments({ even: true }), 125);
    assert.equal(await things.estimatedDocumentCount(), 250);
    const early = things.find({}, { batchSize: 10 });
    await early.next();
    await early.close(); // killCursors
    assert.equal(server.state.openCursors, 0);
  });

  void it('runs findAndModify one at a time: concurrent claims never take the same document', async () => {
    const jobs = freshDb().collection<{ _id: number; taken: string | null; at?: Date }>('jobs');
    await jobs.insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: i, taken: null })));
    const claims = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        jobs.findOneAndUpdate({ taken: null }, [{ $set: { taken: `w${i}`, at: '$$NOW' } }], { sort: { _id: 1 }, returnDocument: 'after' }),
      ),
    );
    const won = claims.filter((c) => c !== null);
    assert.equal(won.length, 30);
    assert.equal(new Set(won.map((c) => c._id)).size, 30);
    assert.ok(
      won.every((c) => c.at instanceof Date),
      '$$NOW is the server clock',
    );
  });

  void it('enforces unique indexes with E11000, also when the index is built, and createIndexes is idempotent', async () => {
    const people = freshDb().collection<{ _id?: unknown; email: string | null; kind?: string }>('people');
    await people.createIndex({ email: 1 }, { unique: true, name: 'email_unique', partialFilterExpression: { kind: 'user' } });
    await people.createIndex({ email: 1 }, { unique: true, name: 'email_unique', partialFilterExpression: { kind: 'user' } });
    await people.insertOne({ email: 'a@example.org', kind: 'user' });
    await people.insertOne({ email: 'a@example.org', kind: 'guest' }); // outside the partial index
    await assert.rejects(people.insertOne({ email: 'a@example.org', kind: 'user' }), { code: 11000 });
    await assert.rejects(people.updateOne({ kind: 'guest' }, { $set: { kind: 'user' } }), { code: 11000 }, 'an update that would clash is refused');
    await assert.rejects(people.createIndex({ email: 1 }, { unique: true, name: 'email_any' }), { code: 11000 }, 'existing duplicates');
    await assert.rejects(people.insertOne({ _id: (await people.findOne({}))!._id, email: 'b' }), { code: 11000 });
    const names = (await people.listIndexes().toArray()).map((i) => i.name);
    assert.deepEqual(names, ['_id_', 'email_unique']);
  });

  void it('updates: operators, pipelines, multi, upsert with $setOnInsert, arrayFilters, replacement, delete', async () => {
    const things = freshDb().collection<{ _id: string; n?: number; tags?: { k: string; v: number }[]; made?: Date; note?: string }>('things');
    await things.insertMany([
      {
        _id: 'a',
        n: 1,
        tags: [
          { k: 'x', v: 1 },
          { k: 'y', v: 2 },
        ],
      },
      { _id: 'b', n: 2 },
      { _id: 'c', n: 3 },
    ]);
    assert.equal((await things.updateMany({ n: { $gte: 2 } }, { $inc: { n: 10 } })).modifiedCount, 2);
    assert.equal((await things.updateOne({ _id: 'a' }, { $set: { n: 1 } })).modifiedCount, 0, 'no change, not modified');
    await things.updateOne({ _id: 'a' }, { $set: { 'tags.$[t].v': 9 } }, { arrayFilters: [{ 't.k': 'y' }] });
    assert.deepEqual((await things.findOne({ _id: 'a' }))?.tags, [
      { k: 'x', v: 1 },
      { k: 'y', v: 9 },
    ]);
    const upsert = await things.updateOne({ _id: 'd' }, { $set: { n: 4 }, $setOnInsert: { note: 'new' } }, { upsert: true });
    assert.equal(upsert.upsertedId, 'd');
    await things.updateOne({ _id: 'd' }, { $set: { n: 5 }, $setOnInsert: { note: 'ignored' } }, { upsert: true });
    assert.deepEqual(await things.findOne({ _id: 'd' }), { _id: 'd', n: 5, note: 'new' });
    await things.updateOne({ _id: 'e' }, [{ $set: { made: '$$NOW', n: { $literal: 6 } } }], { upsert: true });
    assert.ok((await things.findOne({ _id: 'e' }))?.made instanceof Date);
    await things.replaceOne({ _id: 'b' }, { note: 'replaced' });
    assert.deepEqual(await things.findOne({ _id: 'b' }), { _id: 'b', note: 'replaced' });
    const before = await things.findOneAndUpdate({ _id: 'c' }, { $inc: { n: 1 } }, { projection: { n: 1 } });
    assert.deepEqual(before, { _id: 'c', n: 13 }, 'findAndModify answers the document before, projected');
    assert.equal((await things.deleteOne({ n: { $gt: 0 } })).deletedCount, 1);
    assert.equal((await things.deleteMany({})).deletedCount, 4);
    await assert.rejects(things.updateOne({ _id: 'x' }, { $frobnicate: { n: 1 } } as never), MongoServerError);
  });

  void it('aggregates, finds distinct values, lists and drops collections and databases', async () => {
    const db = freshDb();
    const files = db.collection<{ _id: number; batch: string; status: string }>('files');
    await files.insertMany(Array.from({ length: 9 }, (_, i) => ({ _id: i, batch: i < 5 ? 'a' : 'b', status: i % 3 === 0 ? 'done' : 'pending' })));
    const groups = await files.aggregate([{ $match: { batch: 'a' } }, { $group: { _id: '$status', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    assert.deepEqual(groups, [
      { _id: 'done', n: 2 },
      { _id: 'pending', n: 3 },
    ]);
    assert.deepEqual((await files.distinct('batch', { status: 'pending' })).sort(), ['a', 'b']);
    assert.deepEqual(await files.distinct('batch', { status: 'gone' }), []);
    await db.collection('other').insertOne({ x: 1 });
    assert.deepEqual((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort(), ['files', 'other']);
    assert.equal(await db.collection('other').drop(), true);
    assert.deepEqual(await db.listCollections({ name: 'other' }).toArray(), []);
    await db.dropDatabase();
    assert.equal(await files.countDocuments(), 0);
  });

  void it('refuses transactions the way a standalone mongod does', async () => {
    const session = client.startSession();
    try {
      await assert.rejects(
        session.withTransaction(async () => {
          await freshDb().collection('t').insertOne({ x: 1 }, { session });
        }),
        (error: unknown) => error instanceof MongoServerError && error.code === 20,
      );
    } finally {
      await session.endSession();
    }
  });

  void it('drops a connection that sends garbage and keeps serving the others', async () => {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(Buffer.from([0x20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xd2, 0x07, 0, 0, ...Buffer.alloc(16)])); // OP_INSERT: not spoken
    await closed;
    assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
  });
});
