/**
 * Issue 8, item 9: the audit log is append-only in the database for every role, the app connects as a
 * role that owns nothing, every event is hash-chained whatever code path writes it, and the verifier
 * names the first broken link when the owner deletes or edits an event behind the guards' back.
 * Issue 13 (decision 037): events are chained after commit by sealing, the one UPDATE the log allows.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "~/generated/prisma/client";
import { recordAudit, sealAuditEvents } from "~/models/audit.server";
import { createDraft, discardDraft } from "~/models/claim-commands.server";
import { prisma } from "~/utils/db.server";
import { truncateWithAuditLogAsOwner, OwnerResetRefused } from "../scripts/owner-reset";
import { sealAllAuditEvents, verifyAuditChainInDatabase } from "../scripts/audit-verify";
import { startAuditSealer } from "../workers/audit-sealer";
import { asOwner, createClaimant, createUser, createOrg, waitFor } from "./helpers";

const run = promisify(execFile);

async function asApp<T>(fn: (app: pg.Client) => Promise<T>): Promise<T> {
  const app = new pg.Client({ connectionString: process.env.APP_DATABASE_URL });
  await app.connect();
  try {
    return await fn(app);
  } finally {
    await app.end();
  }
}

/** The SQLSTATE (and message) a statement fails with, or null when it succeeds. */
async function failure(client: pg.Client, sql: string): Promise<{ code: string; message: string } | null> {
  try {
    await client.query(sql);
    return null;
  } catch (err) {
    const e = err as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
}

async function someEvent(): Promise<string> {
  const org = await createOrg();
  const user = await createUser(org);
  await prisma.$transaction((tx) => recordAudit(tx, { actorId: user.id, type: "test.event", data: { n: 1 } }));
  const e = await prisma.auditEvent.findFirstOrThrow({ where: { actorId: user.id }, select: { id: true } });
  return e.id.toString();
}

describe("the app's database role", () => {
  it("connects as a role that is neither the owner nor a superuser", async () => {
    const [me] = await prisma.$queryRaw<{ user: string; super: boolean }[]>`
      SELECT current_user AS user, rolsuper AS super FROM pg_roles WHERE rolname = current_user`;
    expect(me).toEqual({ user: "af_app", super: false });
    const [owner] = await prisma.$queryRaw<{ owner: string }[]>`SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'audit_event'`;
    expect(owner!.owner).not.toBe("af_app");
  });

  it("may append to the audit log but not UPDATE, DELETE or TRUNCATE it, nor run DDL, nor read the migrations", async () => {
    const id = await someEvent();
    await asApp(async (app) => {
      expect(await failure(app, `UPDATE audit_event SET type = 'forged' WHERE id = ${id}`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `DELETE FROM audit_event WHERE id = ${id}`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `TRUNCATE audit_event`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `TRUNCATE claim CASCADE`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `CREATE TABLE evil (id int)`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `ALTER TABLE audit_event DISABLE TRIGGER audit_event_seal_only`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `DROP TRIGGER audit_event_zz_sealed ON audit_event`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `ALTER TABLE claim ADD COLUMN evil int`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `SET session_replication_role = replica`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `SELECT * FROM _prisma_migrations`)).toMatchObject({ code: "42501" });
      // The chain head is the seal trigger's to write (as the owner, inside audit_seal()); the app only reads it.
      expect(await failure(app, `UPDATE audit_chain_head SET last_hash = repeat('0', 64)`)).toMatchObject({ code: "42501" });
      expect(await failure(app, `INSERT INTO audit_event (type) VALUES ('ok')`)).toBeNull();
    });
    expect((await prisma.auditEvent.findUniqueOrThrow({ where: { id: BigInt(id) } })).type).toBe("test.event");
    // Nor can it use the owner's reset.
    await expect(truncateWithAuditLogAsOwner(process.env.APP_DATABASE_URL!, [], "test")).rejects.toThrow(/owner/);
  });
});

describe("the audit log is append-only for every role", () => {
  it("lets the app neither edit nor delete an event, sealed or not, nor give one chain values; it may only seal through audit_seal()", async () => {
    const unsealed = await someEvent();
    await sealAllAuditEvents(process.env.DATABASE_URL!);
    const sealed = unsealed;
    const waiting = await someEvent();
    await asApp(async (app) => {
      for (const id of [sealed, waiting]) {
        expect(await failure(app, `UPDATE audit_event SET type = 'forged' WHERE id = ${id}`)).toMatchObject({ code: "42501" });
        expect(await failure(app, `UPDATE audit_event SET chain_seq = 1, prev_hash = repeat('0', 64), hash = repeat('1', 64) WHERE id = ${id}`)).toMatchObject({ code: "42501" });
        expect(await failure(app, `UPDATE audit_event SET chain_seq = NULL, prev_hash = NULL, hash = NULL WHERE id = ${id}`)).toMatchObject({ code: "42501" });
        expect(await failure(app, `DELETE FROM audit_event WHERE id = ${id}`)).toMatchObject({ code: "42501" });
      }
      // No other function of the schema either (the hash helpers are harmless reads; audit_seal is granted).
      const { rows } = await app.query<{ sealed: number }>(`SELECT audit_seal(1000) AS sealed`);
      expect(rows[0]!.sealed).toBeGreaterThanOrEqual(1);
    });
    const after = await prisma.auditEvent.findUniqueOrThrow({ where: { id: BigInt(waiting) } });
    expect(after.type).toBe("test.event");
    expect(after.chainSeq).not.toBeNull();
  });

  it("refuses UPDATE, DELETE and TRUNCATE to the owner too, also a TRUNCATE that cascades into it", async () => {
    const id = await someEvent();
    await asOwner(async (owner) => {
      expect(await failure(owner, `UPDATE audit_event SET type = 'forged' WHERE id = ${id}`)).toMatchObject({ message: expect.stringMatching(/append-only: UPDATE/) });
      expect(await failure(owner, `DELETE FROM audit_event WHERE id = ${id}`)).toMatchObject({ message: expect.stringMatching(/append-only: DELETE/) });
      expect(await failure(owner, `TRUNCATE audit_event`)).toMatchObject({ message: expect.stringMatching(/append-only: TRUNCATE/) });
      expect(await failure(owner, `TRUNCATE app_user CASCADE`)).toMatchObject({ message: expect.stringMatching(/append-only: TRUNCATE/) });
    });
    expect(await prisma.auditEvent.count({ where: { id: BigInt(id) } })).toBe(1);
  });

  it("lets even the owner's UPDATE only seal: not a sealed row, not the content, not chain values of its own choosing", async () => {
    const sealedId = await someEvent();
    await sealAllAuditEvents(process.env.DATABASE_URL!);
    const id = await someEvent();
    await asOwner(async (owner) => {
      // A sealed event, whatever the UPDATE says.
      expect(await failure(owner, `UPDATE audit_event SET chain_seq = chain_seq WHERE id = ${sealedId}`)).toMatchObject({ code: "42501", message: expect.stringMatching(/is sealed/) });
      // Chain values computed correctly for a changed content: the content change is refused during sealing.
      const next = `(SELECT last_seq + 1 FROM audit_chain_head)`;
      const prev = `(SELECT last_hash FROM audit_chain_head)`;
      const forged = `audit_event_hash(${prev}, ROW(e.id, e.claim_id, e.actor_id, 'forged', e.from_status, e.to_status, e.data, e.at, ${next}, NULL, NULL)::audit_event)`;
      expect(await failure(owner, `UPDATE audit_event e SET type = 'forged', chain_seq = ${next}, prev_hash = ${prev}, hash = ${forged} WHERE id = ${id}`)).toMatchObject({
        code: "42501",
        message: expect.stringMatching(/may not change the content/),
      });
      // Not even a change jsonb calls equal (1 and 1.0) but the hash would read differently.
      const sameJson = `audit_event_hash(${prev}, ROW(e.id, e.claim_id, e.actor_id, e.type, e.from_status, e.to_status, '{"n": 1.0}'::jsonb, e.at, ${next}, NULL, NULL)::audit_event)`;
      expect(await failure(owner, `UPDATE audit_event e SET data = '{"n": 1.0}', chain_seq = ${next}, prev_hash = ${prev}, hash = ${sameJson} WHERE id = ${id}`)).toMatchObject({
        code: "42501",
        message: expect.stringMatching(/may not change the content/),
      });
      // Chain values of its own choosing, next position or not.
      expect(await failure(owner, `UPDATE audit_event SET chain_seq = ${next}, prev_hash = ${prev}, hash = repeat('1', 64) WHERE id = ${id}`)).toMatchObject({
        code: "42501",
        message: expect.stringMatching(/not the next link/),
      });
      // A position already taken: the unique index refuses it before the check does.
      expect(await failure(owner, `UPDATE audit_event SET chain_seq = 1, prev_hash = repeat('0', 64), hash = repeat('1', 64) WHERE id = ${id}`)).toMatchObject({ code: "23505" });
      // An update that seals nothing is no update.
      expect(await failure(owner, `UPDATE audit_event SET data = data WHERE id = ${id}`)).toMatchObject({ message: expect.stringMatching(/only update is sealing/) });
      // The head moves with sealing only.
      expect(await failure(owner, `UPDATE audit_chain_head SET last_seq = last_seq + 1`)).toMatchObject({ message: expect.stringMatching(/seal trigger only/) });
    });
    const row = await prisma.auditEvent.findUniqueOrThrow({ where: { id: BigInt(id) } });
    expect([row.type, row.chainSeq, row.hash]).toEqual(["test.event", null, null]);
    expect(await sealAuditEvents(prisma, 1000)).toBeGreaterThanOrEqual(1);
    expect((await verifyAuditChainInDatabase(process.env.DATABASE_URL!)).ok).toBe(true);
  });

  it("keeps a discarded draft's history, with the discard itself recorded", async () => {
    const { company, department, user } = await createClaimant();
    const viewer = { id: user.id, roles: user.roles };
    const draft = await createDraft({ viewer, purpose: "Taxi", companyId: company.id, departmentId: department.id });
    await discardDraft({ viewer, claimId: draft.id });
    expect(await prisma.claim.count({ where: { id: draft.id } })).toBe(0);
    const history = await prisma.auditEvent.findMany({ where: { claimId: draft.id }, orderBy: { id: "asc" } });
    expect(history.map((e) => e.type)).toEqual(["claim.created", "claim.discarded"]);
    expect(history[1]).toMatchObject({ actorId: user.id, fromStatus: "DRAFT", toStatus: null, data: { number: draft.number } });
  });

  it("lets the owner reset empty it only in a test database or for the seed and benches", async () => {
    const { ownerResetAllowed } = await import("../scripts/owner-reset");
    expect(ownerResetAllowed("af_audit_test", "test")).toBe(true);
    expect(ownerResetAllowed("accounting_factory_e2e", "test")).toBe(true);
    expect(ownerResetAllowed("accounting_factory", "test")).toBe(false);
    expect(ownerResetAllowed("accounting_factory_test_copy", "test")).toBe(false);
    expect(ownerResetAllowed("accounting_factory", "seed-reset")).toBe(true);
    const postgresDb = new URL(process.env.DATABASE_URL!);
    postgresDb.pathname = "/postgres";
    await expect(truncateWithAuditLogAsOwner(postgresDb.toString(), [], "test")).rejects.toBeInstanceOf(OwnerResetRefused);
  });
});

describe("the hash chain", () => {
  let wide: PrismaClient;
  beforeAll(() => {
    wide = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.APP_DATABASE_URL, max: 50 }) });
  });
  afterAll(async () => {
    await wide.$disconnect();
    // The tampering below leaves a broken chain: start the log over for the files that run after this one.
    await truncateWithAuditLogAsOwner(process.env.DATABASE_URL!, [], "test");
  });

  const unsealedCount = async () => prisma.auditEvent.count({ where: { chainSeq: null } });

  it("leaves every event unsealed at insert, whatever writes it, and the sealer chains them all after 50 concurrent transactions", async () => {
    await sealAllAuditEvents(process.env.DATABASE_URL!);
    const org = await createOrg();
    const actors = await Promise.all(Array.from({ length: 5 }, () => createUser(org)));
    await Promise.all(Array.from({ length: 50 }, () => wide.$queryRaw`SELECT 1`));
    const before = await prisma.auditEvent.count();
    // 50 transactions at once, each writing three events with pauses in between, so they interleave.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        wide.$transaction(async (tx) => {
          for (let k = 0; k < 3; k++) {
            await recordAudit(tx, { actorId: actors[i % 5]!.id, type: "test.concurrent", data: { i, k, name: "张伟" } });
            await new Promise((r) => setTimeout(r, Math.random() * 20));
          }
        }, { timeout: 60_000, maxWait: 60_000 }),
      ),
    );
    // A raw insert that tries to choose its own place and hash is left unsealed all the same.
    await asApp((app) => app.query(`INSERT INTO audit_event (type, chain_seq, prev_hash, hash) VALUES ('test.raw', 1, repeat('a', 64), repeat('b', 64))`));
    expect(await prisma.auditEvent.count()).toBe(before + 151);
    expect(await unsealedCount()).toBe(151);
    const raw = await prisma.auditEvent.findFirstOrThrow({ where: { type: "test.raw" } });
    expect([raw.chainSeq, raw.prevHash, raw.hash]).toEqual([null, null, null]);

    // Not sealed is not broken: the verifier walks the sealed chain and says how many wait.
    const waiting = await verifyAuditChainInDatabase(process.env.DATABASE_URL!, { batchSize: 37 });
    expect(waiting).toMatchObject({ ok: true, events: before, headSeq: String(before), unsealed: { count: 151 } });
    expect(waiting.unsealed.oldestAgeSeconds).toBeGreaterThanOrEqual(0);

    // The workers' sealer links them (in id order, the raw insert last), then goes idle.
    const sealer = startAuditSealer({ intervalMs: 20, batchSize: 40, log: () => undefined });
    try {
      await waitFor(async () => ((await unsealedCount()) === 0 ? true : undefined), { timeoutMs: 15_000 });
    } finally {
      await sealer.stop();
    }
    const sealed = await prisma.auditEvent.findMany({ where: { chainSeq: { gt: BigInt(before) } }, orderBy: { chainSeq: "asc" }, select: { id: true, chainSeq: true } });
    expect(sealed.map((e) => e.id)).toEqual([...sealed.map((e) => e.id)].sort((x, y) => (x < y ? -1 : 1)));
    expect(sealed.map((e) => Number(e.chainSeq))).toEqual(Array.from({ length: 151 }, (_, i) => before + 1 + i));
    const rawSealed = await prisma.auditEvent.findFirstOrThrow({ where: { type: "test.raw" } });
    expect(rawSealed.hash).not.toBe("b".repeat(64));
    expect(rawSealed.chainSeq).toBe(BigInt(before + 151));

    const verdict = await verifyAuditChainInDatabase(process.env.DATABASE_URL!, { batchSize: 37 });
    expect(verdict).toMatchObject({ ok: true, events: before + 151, headSeq: String(before + 151), headHash: rawSealed.hash, unsealed: { count: 0 } });
  });

  it("never forks or skips with several sealers at once while writers go on", async () => {
    await sealAllAuditEvents(process.env.DATABASE_URL!);
    const before = await prisma.auditEvent.count();
    let writing = true;
    // Writers: many small autocommit inserts and a few bulk ones, all the while.
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        let k = 0;
        while (writing) {
          await asApp((app) => app.query(`INSERT INTO audit_event (type, data) SELECT 'test.sealers', jsonb_build_object('w', $1::int, 'k', $2::int, 'n', n) FROM generate_series(1, $3::int) n`, [w, k, w === 0 ? 200 : 1]));
          k++;
        }
      })(),
    );
    // Four sealer loops at once (the pool gives them connections of their own), small batches so they contend for the head.
    const sealers = Array.from({ length: 4 }, () => startAuditSealer({ intervalMs: 5, batchSize: 25, log: () => undefined }));
    await new Promise((r) => setTimeout(r, 3000));
    writing = false;
    await Promise.all(writers);
    await waitFor(async () => ((await unsealedCount()) === 0 ? true : undefined), { timeoutMs: 30_000 });
    await Promise.all(sealers.map((x) => x.stop()));
    const total = await prisma.auditEvent.count();
    expect(total).toBeGreaterThan(before + 200);
    const [gaps] = await prisma.$queryRaw<{ n: number; min: bigint; max: bigint; distinct: number }[]>`
      SELECT count(*)::int AS n, min(chain_seq) AS min, max(chain_seq) AS max, count(DISTINCT chain_seq)::int AS distinct FROM audit_event`;
    expect(gaps).toEqual({ n: total, min: 1n, max: BigInt(total), distinct: total });
    const verdict = await verifyAuditChainInDatabase(process.env.DATABASE_URL!, { batchSize: 500 });
    expect(verdict).toMatchObject({ ok: true, events: total, headSeq: String(total), unsealed: { count: 0 } });
  });

  it("seals many events written by one statement, two inserting CTEs and a rolled-back savepoint; the head moves with the seal", async () => {
    await sealAllAuditEvents(process.env.DATABASE_URL!);
    const before = await prisma.auditEvent.count();
    await asApp(async (app) => {
      await app.query("BEGIN");
      await app.query(`INSERT INTO audit_event (type, data) SELECT 'test.bulk', jsonb_build_object('n', n) FROM generate_series(1, 2000) AS n`);
      await app.query(`WITH a AS (INSERT INTO audit_event (type) SELECT 'test.cte.a' FROM generate_series(1, 3) RETURNING 1)
                       INSERT INTO audit_event (type) SELECT 'test.cte.b' FROM generate_series(1, 4)`);
      await app.query("SAVEPOINT s");
      await app.query(`INSERT INTO audit_event (type) SELECT 'test.undone' FROM generate_series(1, 5)`);
      await app.query("ROLLBACK TO SAVEPOINT s");
      await app.query(`INSERT INTO audit_event (type) VALUES ('test.after-savepoint')`);
      // Uncommitted: no other session's sealer sees these yet.
      await asApp(async (other) => expect((await other.query<{ n: number }>(`SELECT audit_seal(100000) AS n`)).rows[0]!.n).toBe(0));
      await app.query("COMMIT");
    });
    const added = before + 2000 + 3 + 4 + 1;
    expect(await prisma.auditEvent.count()).toBe(added);
    const headBefore = await prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(headBefore.lastSeq).toBe(BigInt(before));
    expect(await sealAuditEvents(prisma, 1500)).toBe(1500);
    expect(await sealAuditEvents(prisma, 1500)).toBe(added - before - 1500);
    expect(await sealAuditEvents(prisma, 1500)).toBe(0);
    const head = await prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    const last = await prisma.auditEvent.findFirstOrThrow({ orderBy: { chainSeq: "desc" } });
    expect([head.lastSeq, head.lastHash, last.type]).toEqual([BigInt(added), last.hash, "test.after-savepoint"]);
    const verdict = await verifyAuditChainInDatabase(process.env.DATABASE_URL!, { batchSize: 500 });
    expect(verdict).toMatchObject({ ok: true, events: added, headSeq: String(added), headHash: last.hash });
  });

  it("the CLI prints the head hash when intact and exits 0, reports events not sealed yet, and seals them with --seal", async () => {
    await sealAllAuditEvents(process.env.DATABASE_URL!);
    await asApp((app) => app.query(`INSERT INTO audit_event (type) SELECT 'test.cli' FROM generate_series(1, 3)`));
    const oldest = await prisma.auditEvent.findFirstOrThrow({ where: { type: "test.cli" }, orderBy: { id: "asc" } });
    const { stdout } = await run("npx", ["tsx", "scripts/audit-verify.ts"], { env: process.env });
    const head = await prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(stdout).toContain(`audit log intact`);
    expect(stdout).toContain(head.lastHash);
    expect(stdout).toContain(`3 events not sealed yet`);
    expect(stdout).toContain(`event ${oldest.id}`);
    const sealed = await run("npx", ["tsx", "scripts/audit-verify.ts", "--seal"], { env: process.env });
    expect(sealed.stdout).toContain(`sealed 3 events first`);
    expect(sealed.stdout).toMatch(/audit log intact: .*no event waits to be sealed/);
    const newHead = await prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(newHead.lastSeq).toBe(head.lastSeq + 3n);
    expect(sealed.stdout).toContain(newHead.lastHash);
  });

  /** What a DBA with the owner's password can do: lift the guard, change the table, put the guard back. */
  async function tamper(sql: string): Promise<void> {
    await asOwner(async (owner) => {
      await owner.query("BEGIN");
      await owner.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only, DISABLE TRIGGER audit_event_seal_only, DISABLE TRIGGER audit_event_zz_sealed`);
      await owner.query(sql);
      await owner.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only, ENABLE TRIGGER audit_event_seal_only, ENABLE TRIGGER audit_event_zz_sealed`);
      await owner.query("COMMIT");
    });
  }

  it("names an event the owner edited after sealing, and one the owner deleted", async () => {
    const org = await createOrg();
    const actor = await createUser(org);
    for (let k = 0; k < 5; k++) {
      await prisma.$transaction((tx) => recordAudit(tx, { actorId: actor.id, type: "test.tamper", data: { k, amountMinor: "1000" } }));
    }
    await sealAllAuditEvents(process.env.DATABASE_URL!);
    const events = await prisma.auditEvent.findMany({ where: { type: "test.tamper" }, orderBy: { chainSeq: "asc" } });
    const [, second, third, fourth] = events;
    expect((await verifyAuditChainInDatabase(process.env.DATABASE_URL!)).ok).toBe(true);

    await tamper(`UPDATE audit_event SET data = '{"k": 1, "amountMinor": "999999"}' WHERE id = ${second!.id}`);
    const edited = await verifyAuditChainInDatabase(process.env.DATABASE_URL!);
    expect(edited).toMatchObject({ ok: false, break: { kind: "edited", eventId: second!.id.toString() } });
    if (!edited.ok) expect(edited.break.message).toContain(`event ${second!.id} (chain position ${second!.chainSeq}) was edited`);

    // Put the data back as it was: the chain verifies again (the hash covers the content, nothing else).
    await tamper(`UPDATE audit_event SET data = '{"k": 1, "amountMinor": "1000"}' WHERE id = ${second!.id}`);
    expect((await verifyAuditChainInDatabase(process.env.DATABASE_URL!)).ok).toBe(true);

    await tamper(`DELETE FROM audit_event WHERE id = ${third!.id}`);
    const deleted = await verifyAuditChainInDatabase(process.env.DATABASE_URL!);
    expect(deleted).toMatchObject({ ok: false, break: { kind: "missing", eventId: fourth!.id.toString(), lastGoodEventId: second!.id.toString() } });
    if (!deleted.ok) expect(deleted.break.message).toContain(`chain position ${third!.chainSeq}`);

    // The CLI says so and exits non-zero.
    const cli = await run("npx", ["tsx", "scripts/audit-verify.ts"], { env: process.env }).then(
      () => null,
      (err: { code: number; stdout: string }) => err,
    );
    expect(cli?.code).toBe(1);
    expect(cli?.stdout).toMatch(new RegExp(`AUDIT LOG BROKEN \\(missing\\) at event ${fourth!.id}`));
  });
});

describe("a REPEATABLE READ transaction that records an event", () => {
  async function otherWriter(actorId: string): Promise<void> {
    await asApp((app) => app.query(`INSERT INTO audit_event (actor_id, type) VALUES ($1, 'test.other')`, [actorId]));
  }

  it("needs no lock: inserting reads no chain head, even when another event was committed after its snapshot", async () => {
    const org = await createOrg();
    const actor = await createUser(org);
    await prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        await otherWriter(actor.id);
        await recordAudit(tx, { actorId: actor.id, type: "test.rr" });
      },
      { isolationLevel: "RepeatableRead" },
    );
    await sealAllAuditEvents(process.env.DATABASE_URL!);
    // Sealed in commit order of what the sealer saw: the other writer's event (lower id, committed first) first.
    const mine = await prisma.auditEvent.findMany({ where: { actorId: actor.id }, orderBy: { chainSeq: "asc" }, select: { type: true } });
    expect(mine.map((e) => e.type)).toEqual(["test.other", "test.rr"]);
    expect((await verifyAuditChainInDatabase(process.env.DATABASE_URL!)).ok).toBe(true);
  });
});
