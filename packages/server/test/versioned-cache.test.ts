import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VersionedCache } from '../src/http/versioned-cache.js';

void describe('VersionedCache', () => {
  void it('gives a value back only for its version or an older one, and keeps the newest version of a key', () => {
    const cache = new VersionedCache<string>({ maxEntries: 10, maxBytes: 1_000 });
    cache.set('batch', 3, 'at 3', 10);
    assert.equal(cache.get('batch', 3), 'at 3');
    assert.equal(cache.get('batch', 2), 'at 3', 'a caller that read an older version gets the newer answer');
    assert.equal(cache.get('batch', 4), undefined, 'a newer version is a miss');
    cache.set('batch', 2, 'at 2', 10);
    assert.equal(cache.get('batch', 3), 'at 3', 'an older answer built late does not replace a newer one');
    cache.set('batch', 5, 'at 5', 10);
    assert.equal(cache.get('batch', 5), 'at 5');
    assert.equal(cache.size, 1, 'one place per key, whatever the number of versions');
  });

  void it('stays within its entries and bytes, dropping the least recently used first, and keeps no value too large', () => {
    const cache = new VersionedCache<string>({ maxEntries: 2, maxBytes: 100 });
    cache.set('a', 1, 'a', 10);
    cache.set('b', 1, 'b', 10);
    assert.equal(cache.get('a', 1), 'a');
    cache.set('c', 1, 'c', 10);
    assert.equal(cache.get('b', 1), undefined, 'b was used least recently');
    assert.deepEqual([cache.get('a', 1), cache.get('c', 1)], ['a', 'c']);

    cache.set('d', 1, 'd', 25);
    cache.set('e', 1, 'e', 25);
    assert.equal(cache.size, 2);
    cache.set('f', 1, 'f', 26);
    assert.equal(cache.get('f', 1), undefined, 'more than a quarter of the bytes is not kept');

    const bytes = new VersionedCache<string>({ maxEntries: 100, maxBytes: 100 });
    for (const key of ['p', 'q', 'r', 's', 't']) bytes.set(key, 1, key, 25);
    assert.equal(bytes.size, 4, 'at most 100 bytes');
    assert.equal(bytes.get('p', 1), undefined, 'the oldest went');
  });
});
