import type { FileStatus } from '@batch-uploader/protocol';
import type { Analytics, WorkspaceAnalytics } from '../../store/analytics.js';
import { assembleAnalytics, percentileOffsets, TOP_FAILURES } from '../../store/analytics-assembly.js';
import type { SqliteConnection } from './sqlite-connection.js';

const DAY = `strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`;
const IN_RANGE = 'workspace_id = @ws AND created_at >= @since AND created_at <= @until';
const TIMED = `${IN_RANGE} AND status = 'completed' AND started_at IS NOT NULL AND completed_at IS NOT NULL`;

/**
 * Analytics of the SQLite store: grouped counts in SQL, and the two percentiles read
 * by position from the sorted durations, so no file list is held in memory.
 */
export class SqliteAnalytics implements Analytics {
  constructor(private readonly db: SqliteConnection) {}

  async getAnalytics(workspaceId: string, range: { since: Date; until: Date }): Promise<WorkspaceAnalytics> {
    const { db } = this;
    return db.read(() => {
      const params = { ws: workspaceId, since: range.since.getTime(), until: range.until.getTime() };
      const batchesPerDay = db.sql(`SELECT ${DAY} AS day, count(*) AS n FROM batches WHERE ${IN_RANGE} GROUP BY day`).all(params) as {
        day: string;
        n: number;
      }[];
      const filesPerDay = db.sql(`SELECT ${DAY} AS day, status, count(*) AS n FROM files WHERE ${IN_RANGE} GROUP BY day, status`).all(params) as {
        day: string;
        status: FileStatus;
        n: number;
      }[];
      const failures = db
        .sql(
          `SELECT coalesce(json_extract(error, '$.code'), 'UNKNOWN') AS code, count(*) AS n FROM files
           WHERE ${IN_RANGE} AND status = 'failed' GROUP BY code ORDER BY n DESC, code LIMIT ${TOP_FAILURES}`,
        )
        .all(params) as { code: string; n: number }[];
      const reviews = db
        .sql(
          `SELECT coalesce(json_extract(review_reason, '$.code'), 'UNKNOWN') AS code, review_decision AS decision, count(*) AS n FROM files
           WHERE ${IN_RANGE} AND status = 'completed' AND review_reason IS NOT NULL GROUP BY code, decision`,
        )
        .all(params) as { code: string; decision: string | null; n: number }[];
      const { samples } = db.sql(`SELECT count(*) AS samples FROM files WHERE ${TIMED}`).get(params) as { samples: number };
      const offsets = percentileOffsets(samples);
      const at = (offset: number) =>
        (
          db.sql(`SELECT completed_at - started_at AS ms FROM files WHERE ${TIMED} ORDER BY ms LIMIT 1 OFFSET @offset`).get({ ...params, offset }) as {
            ms: number;
          }
        ).ms;
      return assembleAnalytics(
        range,
        { batchesPerDay, filesPerDay, failures, reviews },
        {
          p50: offsets ? at(offsets.p50) : null,
          p95: offsets ? at(offsets.p95) : null,
          samples,
        },
      );
    });
  }
}
