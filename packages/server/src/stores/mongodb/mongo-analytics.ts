import type { FileError, FileStatus } from '@batch-uploader/protocol';
import type { Analytics, WorkspaceAnalytics } from '../../store/analytics.js';
import { assembleAnalytics, percentileOffsets } from '../../store/analytics-assembly.js';
import type { MongoStoreContext } from './mongo-store-context.js';

/** Distinct error texts read to rank failure codes (codes with many distinct messages merge in memory). */
const MAX_ERROR_TEXTS = 1_000;

// MongoDB formats dates in UTC unless told otherwise.
const DAY = { $dateToString: { format: '%Y-%m-%d', date: '$created_at' } };

/**
 * Analytics of the MongoDB store: grouped counts by aggregation on the `analytics`
 * index, and the two percentiles read by position from the sorted durations.
 */
export class MongoAnalytics implements Analytics {
  constructor(private readonly context: MongoStoreContext) {}

  async getAnalytics(workspaceId: string, range: { since: Date; until: Date }): Promise<WorkspaceAnalytics> {
    const { batches, files } = this.context.collections;
    const created = { $gte: range.since, $lte: range.until };
    // Files of a batch still being created (or abandoned half way) are not counted.
    const inRange = { workspace_id: workspaceId, created_at: created, batch_state: { $ne: 'creating' as const } };
    const timed = { ...inRange, status: 'completed' as const, started_at: { $ne: null }, completed_at: { $ne: null } };

    const [batchesPerDay, filesPerDay, errorTexts, samples, reviewTexts] = await Promise.all([
      batches
        .aggregate<{ _id: string; n: number }>([
          { $match: { workspace_id: workspaceId, created_at: created, hidden: { $exists: false } } },
          { $group: { _id: DAY, n: { $sum: 1 } } },
        ])
        .toArray(),
      files
        .aggregate<{ _id: { day: string; status: FileStatus }; n: number }>([
          { $match: inRange },
          { $group: { _id: { day: DAY, status: '$status' }, n: { $sum: 1 } } },
        ])
        .toArray(),
      // Errors are stored as JSON text: grouped by text here, by code below.
      files
        .aggregate<{ _id: string | null; n: number }>([
          { $match: { ...inRange, status: 'failed' } },
          { $group: { _id: '$error', n: { $sum: 1 } } },
          { $sort: { n: -1 } },
          { $limit: MAX_ERROR_TEXTS },
        ])
        .toArray(),
      files.countDocuments(timed),
      // Review reasons are JSON text too: grouped by text and decision, merged by code below.
      files
        .aggregate<{ _id: { reason: string; decision: string | null }; n: number }>([
          { $match: { ...inRange, status: 'completed', review_reason: { $type: 'string' } } },
          { $group: { _id: { reason: '$review_reason', decision: { $ifNull: ['$review_decision', null] } }, n: { $sum: 1 } } },
          { $limit: MAX_ERROR_TEXTS },
        ])
        .toArray(),
    ]);

    const at = async (offset: number): Promise<number> => {
      const [row] = await files
        .aggregate<{ ms: number }>(
          [
            { $match: timed },
            { $project: { _id: 0, ms: { $subtract: ['$completed_at', '$started_at'] } } },
            { $sort: { ms: 1 } },
            { $skip: offset },
            { $limit: 1 },
          ],
          { allowDiskUse: true },
        )
        .toArray();
      return row?.ms ?? 0;
    };
    const offsets = percentileOffsets(samples);
    return assembleAnalytics(
      range,
      {
        batchesPerDay: batchesPerDay.map((r) => ({ day: r._id, n: r.n })),
        filesPerDay: filesPerDay.map((r) => ({ day: r._id.day, status: r._id.status, n: r.n })),
        failures: errorTexts.map((r) => ({ code: codeOf(r._id), n: r.n })),
        reviews: reviewTexts.map((r) => ({ code: codeOf(r._id.reason), decision: r._id.decision, n: r.n })),
      },
      { p50: offsets ? await at(offsets.p50) : null, p95: offsets ? await at(offsets.p95) : null, samples },
    );
  }
}

function codeOf(text: string | null): string {
  try {
    const code = (JSON.parse(text ?? 'null') as FileError | null)?.code;
    return typeof code === 'string' && code !== '' ? code : 'UNKNOWN';
  } catch {
    return 'UNKNOWN';
  }
}
