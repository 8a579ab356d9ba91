import type { BatchStatusResponse } from '@batch-uploader/protocol';
import type { JsonAnswer } from '../http/conditional-json.js';
import { WIRE_FORM, toWireBatch } from '../http/to-wire.js';
import { VersionedCache, type VersionedCacheLimits } from '../http/versioned-cache.js';
import type { BatchEngine } from '../engine/batch-engine.js';

/** How many status answers a router keeps: 256 batches, 16 MB of bodies (a 50-file batch answers about 55 kB). */
export const STATUS_CACHE_LIMITS: Readonly<VersionedCacheLimits> = Object.freeze({ maxEntries: 256, maxBytes: 16 * 1024 * 1024 });

/**
 * The ETag of a batch's status answer at a version. The store's version grows with every
 * change a status read can show, so (form, batch, version) names one answer, on every
 * process sharing the store, without building or hashing it.
 */
export function statusEtag(batchId: string, version: number): string {
  return `W/"${WIRE_FORM}.${batchId}.${version}"`;
}

/**
 * Serialised status answers of one router, kept by (workspace, batch) with the version
 * they were built at: a poll of a batch that did not change since it was last built costs
 * one cached body, not a read of its files and a serialisation. Callers ask with the
 * version they just read from the store, so an answer is only reused while the store
 * still has that version; answers being built are shared by the polls that wait for them.
 */
export class StatusAnswers {
  readonly #cache = new VersionedCache<JsonAnswer>(STATUS_CACHE_LIMITS);
  readonly #building = new Map<string, Promise<JsonAnswer | null>>();

  constructor(private readonly batches: Pick<BatchEngine, 'getBatch'>) {}

  /** The answer for the workspace's batch at `version` or later; null when the batch is gone. */
  async get(workspaceId: string, batchId: string, version: number): Promise<JsonAnswer | null> {
    // The workspace is part of the key: an answer is only ever given back to its own workspace.
    const key = `${workspaceId}\n${batchId}`;
    const cached = this.#cache.get(key, version);
    if (cached) return cached;
    const flight = `${key}\n${version}`;
    let building = this.#building.get(flight);
    if (!building) {
      building = this.#build(key, workspaceId, batchId).finally(() => this.#building.delete(flight));
      this.#building.set(flight, building);
    }
    return building;
  }

  async #build(key: string, workspaceId: string, batchId: string): Promise<JsonAnswer | null> {
    const found = await this.batches.getBatch(workspaceId, batchId);
    if (!found) return null;
    // The version read with the batch, before its files: the answer shows that state or a later one.
    const { version } = found.batch;
    const response: BatchStatusResponse = { status: 'success', batch: toWireBatch(found.batch, found.files) };
    const answer: JsonAnswer = { etag: statusEtag(batchId, version), body: Buffer.from(JSON.stringify(response)) };
    this.#cache.set(key, version, answer, answer.body.length);
    return answer;
  }
}
