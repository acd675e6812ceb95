/**
 * Decision 044: the app's connections run without Postgres's JIT compiler — every connection of the pool,
 * inside transactions too — whatever the server's default.
 */
import { expect, it } from "vitest";
import { prisma } from "~/utils/db.server";

it("every connection of the app's pool has jit off", async () => {
  // Ten reads at once take ten connections of the pool.
  const settings = await Promise.all(Array.from({ length: 10 }, () => prisma.$queryRaw<{ jit: string; pid: number }[]>`SELECT current_setting('jit') AS jit, pg_backend_pid() AS pid, pg_sleep(0.02)::text AS slept`));
  expect(new Set(settings.map(([row]) => row!.pid)).size).toBeGreaterThan(1);
  expect(new Set(settings.map(([row]) => row!.jit))).toEqual(new Set(["off"]));
  const inTx = await prisma.$transaction((tx) => tx.$queryRaw<{ jit: string }[]>`SELECT current_setting('jit') AS jit`);
  expect(inTx[0]!.jit).toBe("off");
});
