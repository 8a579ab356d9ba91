import type { Db } from 'mongodb';

/**
 * An instant inside a write: `$$NOW` (the server's clock when the write runs), or a
 * reading of a clock the store was given, as a date literal.
 */
export type NowExpression = '$$NOW' | Date;

/** The clock of one MongoStore. */
export interface MongoClock {
  /** The instant a write or a `$expr` test uses, read afresh for each operation. */
  expr(): NowExpression;
  /** The instant as a Date, for values computed before a write (creation times, cutoffs). */
  now(): Promise<Date>;
}

/**
 * The server's clock: `$$NOW` in every write, and `hello.localTime` for values computed
 * first, so instances whose own clocks disagree still agree on leases, backoffs and order.
 */
export function serverClock(db: () => Db, owner: string): MongoClock {
  return {
    expr: () => '$$NOW',
    async now() {
      const reply = await db().command({ hello: 1 });
      if (!(reply.localTime instanceof Date)) throw new Error(`${owner}: the server did not report its clock (hello.localTime).`);
      return reply.localTime;
    },
  };
}

/** A clock the host gives (tests of time-dependent rules): every instant is its reading. */
export function givenClock(read: () => number): MongoClock {
  const at = () => new Date(Math.trunc(read()));
  return { expr: at, now: async () => at() };
}
