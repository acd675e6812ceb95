/**
 * npm run audit:verify [-- --expect-head <hash>]: walks the audit log's hash chain in order and names the
 * first broken link (event id, and whether an event was edited, deleted or moved). Exit 0 and the head
 * hash when intact: write the head down outside the database (a ticket, a signed mail), and pass it back
 * with --expect-head next time, so events cut off the end of the log are caught as well.
 * Uses DATABASE_URL (read only). Exit codes: 0 intact, 1 broken, 2 could not check.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { AuditChainWalker, type AuditChainRow, type ChainVerdict } from "../app/domain/audit-chain";

const BATCH = 5000;

export async function verifyAuditChainInDatabase(databaseUrl: string, opts: { expectedHead?: string; batchSize?: number } = {}): Promise<ChainVerdict> {
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
    await client.query("COMMIT");
    if (head.rowCount === 0) {
      const verdict = walker.finish();
      return verdict.ok ? { ok: false, events: verdict.events, break: { kind: "truncated", eventId: null, chainSeq: null, lastGoodEventId: null, message: "the chain head row (audit_chain_head) is missing" } } : verdict;
    }
    return walker.finish(head.rows[0]);
  } finally {
    await client.end();
  }
}

export function describeVerdict(verdict: ChainVerdict): string {
  if (verdict.ok) return `audit log intact: ${verdict.events} events; head at chain position ${verdict.headSeq}: ${verdict.headHash}`;
  const b = verdict.break;
  return `AUDIT LOG BROKEN (${b.kind}) at ${b.eventId ? `event ${b.eventId}` : "the end of the log"}: ${b.message}; ${verdict.events} events verified before it`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--expect-head");
  const expectedHead = i >= 0 ? args[i + 1] : undefined;
  if (i >= 0 && !/^[0-9a-f]{64}$/.test(expectedHead ?? "")) {
    console.error("[audit:verify] --expect-head takes the 64 hex digits printed by an earlier run");
    process.exit(2);
  }
  const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/accounting_factory";
  verifyAuditChainInDatabase(url, { expectedHead })
    .then((verdict) => {
      console.log(`[audit:verify] ${describeVerdict(verdict)}`);
      process.exit(verdict.ok ? 0 : 1);
    })
    .catch((err: unknown) => {
      console.error(`[audit:verify] could not check: ${(err as Error).message}`);
      process.exit(2);
    });
}
