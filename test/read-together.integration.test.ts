/**
 * readTogether: reads overlap on the pool, and run strictly one after another inside a transaction
 * (one connection; pg 8 only queues overlapping queries there and warns that pg 9 will refuse them).
 */
import { describe, expect, it } from "vitest";
import { prisma, readTogether, type Db, type Tx } from "~/utils/db.server";

/** Three reads that log when each starts and ends; each holds its connection for 50 ms. */
function loggedReads(db: Db | Tx, log: string[]) {
  const read = (name: string) => async () => {
    log.push(`start ${name}`);
    const [row] = await db.$queryRaw<{ name: string }[]>`SELECT ${name}::text AS name, pg_sleep(0.05)::text AS slept`;
    log.push(`end ${name}`);
    return row!.name;
  };
  return [read("a"), read("b"), read("c")] as const;
}

describe("readTogether", () => {
  it("starts every read at once on the pool and keeps the order of the results", async () => {
    const log: string[] = [];
    const results = await readTogether(prisma, ...loggedReads(prisma, log));
    expect(results).toEqual(["a", "b", "c"]);
    expect(log.slice(0, 3)).toEqual(["start a", "start b", "start c"]);
  });

  it("runs the reads one after another inside a transaction", async () => {
    const log: string[] = [];
    const results = await prisma.$transaction((tx) => readTogether(tx, ...loggedReads(tx, log)));
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });
});
