import autocannon, { type Result } from 'autocannon';

/** What one load run measured. */
export interface LoadRun {
  /** Completed responses per second. */
  rps: number;
  /** Completed responses. */
  requests: number;
  /** Median latency, ms. */
  p50Ms: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
}

/**
 * Polls `url` with autocannon for `seconds` over `connections` keep-alive connections on
 * loopback. Fails when any request errored, timed out, or answered with a status other
 * than `expectStatus`: a benchmark of error responses would be meaningless.
 */
export async function poll(
  url: string,
  options: { seconds: number; connections: number; headers?: Record<string, string>; expectStatus: number },
): Promise<LoadRun> {
  const result: Result = await autocannon({
    url,
    duration: options.seconds,
    connections: options.connections,
    timeout: 10,
    headers: options.headers ?? {},
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  const unexpected = Object.keys(statuses).filter((code) => Number(code) !== options.expectStatus);
  if (result.errors > 0 || result.timeouts > 0 || unexpected.length > 0 || result.requests.total === 0) {
    throw new Error(
      `load on ${url}: ${result.errors} errors, ${result.timeouts} timeouts, statuses ${JSON.stringify(statuses)} (expected only ${options.expectStatus})`,
    );
  }
  return { rps: result.requests.total / result.duration, requests: result.requests.total, p50Ms: result.latency.p50, statuses };
}
