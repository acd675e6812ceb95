import { createHash } from "node:crypto";

/**
 * The audit log's hash chain, rebuilt outside the database. Sealing (audit_seal(), migration
 * 20261210010000; before it, an INSERT trigger, migration 20261203100000) gives each committed event its
 * position (chain_seq, gapless), the previous event's hash and its own: SHA-256 over the previous hash and
 * the canonical form below. Events not sealed yet are not in the chain (the walk never sees them). The verifier reads the
 * columns as text and recomputes everything here, so it does not trust the database's functions.
 */

export const GENESIS_HASH = "0".repeat(64);

/** One event as the verifier reads it: every column as PostgreSQL prints it (ids as text, data::text). */
export type AuditChainRow = {
  id: string;
  chainSeq: string;
  prevHash: string;
  hash: string;
  claimId: string | null;
  actorId: string | null;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  /** `data::text`: jsonb's own normalised text, byte for byte. */
  data: string;
  /** `at` in UTC, ISO 8601 with milliseconds (`2026-12-03T10:00:00.000Z`). */
  at: string;
};

function field(value: string | null): string {
  return value === null ? "-;" : `${Buffer.byteLength(value, "utf8")}:${value};`;
}

/** Length-prefixed fields (byte length, ':', value, ';'; '-' for null): two different rows never read the same. */
export function canonicalAuditEvent(row: Omit<AuditChainRow, "prevHash" | "hash">): string {
  return [row.chainSeq, row.id, row.claimId, row.actorId, row.type, row.fromStatus, row.toStatus, row.data, row.at].map(field).join("");
}

export function auditEventHash(prevHash: string, row: Omit<AuditChainRow, "prevHash" | "hash">): string {
  return createHash("sha256").update(prevHash + canonicalAuditEvent(row), "utf8").digest("hex");
}

export type ChainBreakKind = "edited" | "missing" | "reordered" | "relinked" | "truncated" | "head_not_found";

export type ChainBreak = {
  kind: ChainBreakKind;
  /** The event at which the chain stops verifying (null when the break is after the last event). */
  eventId: string | null;
  chainSeq: string | null;
  /** The last event that still verifies (null when the break is at the start). */
  lastGoodEventId: string | null;
  message: string;
};

export type ChainVerdict =
  | { ok: true; events: number; headSeq: string; headHash: string }
  | { ok: false; events: number; break: ChainBreak };

/**
 * Walks the chain in chain_seq order and stops at the first broken link. Rows may come in batches (feed
 * them with `push`); memory stays constant whatever the length of the log.
 */
export class AuditChainWalker {
  private expectedSeq = 1n;
  private prevHash = GENESIS_HASH;
  private lastGoodId: string | null = null;
  private count = 0;
  private broken: ChainBreak | null = null;
  private sawExpectedHead = false;

  constructor(private readonly expectedHead?: string) {}

  /** Returns false once the chain is broken (no need to read further). */
  push(row: AuditChainRow): boolean {
    if (this.broken) return false;
    const seq = BigInt(row.chainSeq);
    const at = (kind: ChainBreakKind, message: string) => {
      this.broken = { kind, eventId: row.id, chainSeq: row.chainSeq, lastGoodEventId: this.lastGoodId, message };
      return false;
    };
    if (seq > this.expectedSeq) {
      const gap = seq - this.expectedSeq;
      const range = gap === 1n ? `position ${this.expectedSeq}` : `positions ${this.expectedSeq}–${seq - 1n}`;
      return at("missing", `${gap} event${gap === 1n ? "" : "s"} missing (deleted): chain ${range}, between event ${this.lastGoodId ?? "(start)"} and event ${row.id}`);
    }
    if (seq < this.expectedSeq) {
      return at("reordered", `event ${row.id} claims chain position ${seq}, already taken: events were reordered or duplicated after event ${this.lastGoodId ?? "(start)"}`);
    }
    if (auditEventHash(row.prevHash, row) !== row.hash) {
      return at("edited", `event ${row.id} (chain position ${seq}) was edited: its content no longer matches its hash`);
    }
    if (row.prevHash !== this.prevHash) {
      return at("relinked", `event ${row.id} (chain position ${seq}) does not link to the event before it (${this.lastGoodId ?? "(start)"}): events were reordered, replaced or re-chained`);
    }
    this.prevHash = row.hash;
    this.lastGoodId = row.id;
    this.expectedSeq = seq + 1n;
    this.count += 1;
    if (this.expectedHead && row.hash === this.expectedHead) this.sawExpectedHead = true;
    return true;
  }

  /**
   * The verdict. `head` is the database's record of the last link (audit_chain_head): events cut off the
   * end of the log leave it pointing past the last row.
   */
  finish(head?: { lastSeq: string; lastHash: string } | null): ChainVerdict {
    if (this.broken) return { ok: false, events: this.count, break: this.broken };
    const lastSeq = this.expectedSeq - 1n;
    const end = (kind: ChainBreakKind, message: string): ChainVerdict => ({
      ok: false,
      events: this.count,
      break: { kind, eventId: null, chainSeq: null, lastGoodEventId: this.lastGoodId, message },
    });
    if (head && (BigInt(head.lastSeq) !== lastSeq || head.lastHash !== this.prevHash)) {
      return BigInt(head.lastSeq) > lastSeq
        ? end("truncated", `${BigInt(head.lastSeq) - lastSeq} event(s) missing at the end (deleted): the chain head says position ${head.lastSeq}, the last event is at ${lastSeq} (event ${this.lastGoodId ?? "none"})`)
        : end("relinked", `the chain head (position ${head.lastSeq}) does not match the last event (position ${lastSeq}, event ${this.lastGoodId ?? "none"})`);
    }
    if (this.expectedHead && !this.sawExpectedHead) {
      return end("head_not_found", `the head hash written down earlier (${this.expectedHead}) is not in the chain: events after it were deleted or the chain was rewritten`);
    }
    return { ok: true, events: this.count, headSeq: lastSeq.toString(), headHash: this.prevHash };
  }
}

/** The whole walk for rows already in memory (tests, small logs). */
export function verifyAuditChain(
  rows: Iterable<AuditChainRow>,
  opts: { head?: { lastSeq: string; lastHash: string } | null; expectedHead?: string } = {},
): ChainVerdict {
  const walker = new AuditChainWalker(opts.expectedHead);
  for (const row of rows) if (!walker.push(row)) break;
  return walker.finish(opts.head);
}
