/**
 * Issue 14's browser tests put readings in directly (the reading pipeline has its own integration tests):
 * once the read-receipt job has stored its own reading of a file (it reads every imaged file), that row is
 * replaced by the test's. Pure SQL against the e2e database.
 */
import { withDb } from "./helpers";

export type TestField = { value: string; confidence: number; region?: { page: number; x: number; y: number; width: number; height: number } };

/** The receipts of a claim, oldest first, with their file digests. */
export async function receiptsOf(claimId: string): Promise<{ id: string; sha256: string; fileName: string }[]> {
  return withDb(async (db) => {
    const { rows } = await db.query<{ id: string; sha256: string; file_name: string }>(
      `SELECT id, file_sha256 AS sha256, file_name FROM receipt WHERE claim_id = $1 ORDER BY created_at, id`,
      [claimId],
    );
    return rows.map((r) => ({ id: r.id, sha256: r.sha256, fileName: r.file_name }));
  });
}

/** Waits (≤ 30 s) for the pipeline's own reading of the file, then stores this one in its place. */
export async function putReading(sha256: string, source: string, fields: Record<string, TestField>): Promise<void> {
  await withDb(async (db) => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const { rowCount } = await db.query(`SELECT 1 FROM receipt_reading WHERE file_sha256 = $1`, [sha256]);
      if (rowCount) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await db.query(`DELETE FROM receipt_reading WHERE file_sha256 = $1`, [sha256]);
    await db.query(
      `INSERT INTO receipt_reading (file_sha256, source, fields, notes, reader_version) VALUES ($1, $2, $3, ARRAY['e2e'], 1)`,
      [sha256, source, JSON.stringify(fields)],
    );
  });
}

/** The claim's audit events of a type, oldest first. */
export async function auditEvents(claimId: string, type: string): Promise<{ data: Record<string, unknown> }[]> {
  return withDb(async (db) => (await db.query(`SELECT data FROM audit_event WHERE claim_id = $1 AND type = $2 ORDER BY id`, [claimId, type])).rows);
}
