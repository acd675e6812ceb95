/**
 * npm run audit:verify [-- --expect-head <hash>] [-- --seal]: walks the audit log's hash chain in order and
 * names the first broken link (event id, and whether an event was edited, deleted or moved). Exit 0 and the
 * head hash when intact: write the head down outside the database (a ticket, a signed mail), and pass it
 * back with --expect-head next time, so events cut off the end of the log are caught as well.
 * Events are chained after commit by the workers' sealer (docs/decisions/037): those not sealed yet are
 * not part of the chain, so they are reported (how many, the oldest one and its age), never counted as a
 * break. --seal seals every committed event first (audit_seal(), the one UPDATE the log allows).
 * Uses DATABASE_URL (read only without --seal). Exit codes: 0 intact, 1 broken, 2 could not check.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { AuditChainWalker, type AuditChainRow, type ChainVerdict } from "../app/domain/audit-chain";

const BATCH = 5000;

/** Events committed but not in the chain yet, as seen by the verifying snapshot. */
export type UnsealedEvents = { count: number; oldestId: string | null; oldestAt: string | null; oldestAgeSeconds: number | null };

/** Seals every committed event (in batches, each its own transaction); returns how many. */
export async function sealAllAuditEvents(databaseUrl: string, batchSize = BATCH): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let total = 0;
    for (;;) {
      const { rows } = await client.query<{ sealed: number }>(`SELECT audit_seal($1::int) AS sealed`, [batchSize]);
      total += rows[0]!.sealed;
      if (rows[0]!.sealed < batchSize) return total;
    }
  } finally {
    await client.end();
  }
}

export async function verifyAuditChainInDatabase(
  databaseUrl: string,
  opts: { expectedHead?: string; batchSize?: number } = {},
): Promise<ChainVerdict & { unsealed: UnsealedEvents }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // One snapshot for the head and every batch: writers may go on while the log is read.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const walker = new AuditChainWalker(opts.expectedHead);
    let after = "0";
    for (;;) {
      const { rows } = await client.query<Omit<AuditChainRow, "at"> & { at: Date }>(
        `SELECT id::text AS "id", chain_seq::text AS "chainSeq", prev_hash AS "prevHash", hash, claim_id AS "claimId",
                actor_id AS "actorId", type, from_status::text AS "fromStatus", to_status::text AS "toStatus",
                data::text AS data, at
           FROM audit_event WHERE chain_seq > $1::bigint ORDER BY chain_seq LIMIT $2`,
        [after, opts.batchSize ?? BATCH],
      );
      let going = true;
      for (const row of rows) {
        going = walker.push({ ...row, at: row.at.toISOString() });
        if (!going) break;
      }
      if (!going || rows.length === 0) break;
      after = rows[rows.length - 1]!.chainSeq;
    }
    const head = await client.query<{ lastSeq: string; lastHash: string }>(
      `SELECT last_seq::text AS "lastSeq", last_hash AS "lastHash" FROM audit_chain_head WHERE id = 1`,
    );
    const waiting = await client.query<{ count: number; oldest_id: string | null; oldest_at: Date | null; age: number | null }>(
      `SELECT (SELECT count(*)::int FROM audit_event WHERE chain_seq IS NULL) AS count, o.id::text AS oldest_id, o.at AS oldest_at,
              extract(epoch FROM now() - o.at)::float8 AS age
         FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT id, at FROM audit_event WHERE chain_seq IS NULL ORDER BY id LIMIT 1) o ON true`,
    );
    await client.query("COMMIT");
    const w = waiting.rows[0]!;
    const unsealed: UnsealedEvents = {
      count: w.count,
      oldestId: w.oldest_id,
      oldestAt: w.oldest_at?.toISOString() ?? null,
      oldestAgeSeconds: w.age === null ? null : Math.round(w.age * 10) / 10,
    };
    if (head.rowCount === 0) {
      const verdict = walker.finish();
      return verdict.ok
        ? { ok: false, events: verdict.events, break: { kind: "truncated", eventId: null, chainSeq: null, lastGoodEventId: null, message: "the chain head row (audit_chain_head) is missing" }, unsealed }
        : { ...verdict, unsealed };
    }
    return { ...walker.finish(head.rows[0]), unsealed };
  } finally {
    await client.end();
  }
}

export function describeUnsealed(u: UnsealedEvents): string {
  if (u.count === 0) return "no event waits to be sealed";
  return `${u.count} event${u.count === 1 ? "" : "s"} not sealed yet (not in the chain; the workers' sealer links them): the oldest, event ${u.oldestId}, at ${u.oldestAt} (${u.oldestAgeSeconds} s ago)`;
}

export function describeVerdict(verdict: ChainVerdict & { unsealed?: UnsealedEvents }): string {
  const waiting = verdict.unsealed ? `; ${describeUnsealed(verdict.unsealed)}` : "";
  if (verdict.ok) return `audit log intact: ${verdict.events} events; head at chain position ${verdict.headSeq}: ${verdict.headHash}${waiting}`;
  const b = verdict.break;
  return `AUDIT LOG BROKEN (${b.kind}) at ${b.eventId ? `event ${b.eventId}` : "the end of the log"}: ${b.message}; ${verdict.events} events verified before it${waiting}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--expect-head");
  const expectedHead = i >= 0 ? args[i + 1] : undefined;
  if (i >= 0 && !/^[0-9a-f]{64}$/.test(expectedHead ?? "")) {
    console.error("[audit:verify] --expect-head takes the 64 hex digits printed by an earlier run");
    process.exit(2);
  }
  const seal = args.includes("--seal");
  const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory";
  (seal ? sealAllAuditEvents(url).then((n) => console.log(`[audit:verify] sealed ${n} event${n === 1 ? "" : "s"} first`)) : Promise.resolve())
    .then(() => verifyAuditChainInDatabase(url, { expectedHead }))
    .then((verdict) => {
      console.log(`[audit:verify] ${describeVerdict(verdict)}`);
      process.exit(verdict.ok ? 0 : 1);
    })
    .catch((err: unknown) => {
      console.error(`[audit:verify] could not check: ${(err as Error).message}`);
      process.exit(2);
    });
}
