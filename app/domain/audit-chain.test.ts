import { describe, expect, it } from "vitest";
import { auditEventHash, canonicalAuditEvent, GENESIS_HASH, verifyAuditChain, type AuditChainRow } from "./audit-chain";

type Content = Omit<AuditChainRow, "prevHash" | "hash" | "chainSeq">;

function chain(contents: Content[]): AuditChainRow[] {
  let prev = GENESIS_HASH;
  return contents.map((c, i) => {
    const row = { ...c, chainSeq: String(i + 1) };
    const hash = auditEventHash(prev, row);
    const out = { ...row, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}

const event = (id: number, extra: Partial<Content> = {}): Content => ({
  id: String(id),
  claimId: id % 2 ? "claim-1" : null,
  actorId: "user-1",
  type: "claim.saved",
  fromStatus: null,
  toStatus: null,
  data: `{"n": ${id}, "name": "张伟"}`,
  at: `2026-12-03T10:00:0${id % 10}.000Z`,
  ...extra,
});

/** What an owner does to hide an edit: fix the row's own hash (but not every later link). */
function rehash(row: AuditChainRow): AuditChainRow {
  return { ...row, hash: auditEventHash(row.prevHash, row) };
}

describe("canonical form", () => {
  it("prefixes each field with its byte length, so shifting text between fields changes it", () => {
    const a = canonicalAuditEvent({ ...event(1), chainSeq: "1", type: "ab", data: "c" });
    const b = canonicalAuditEvent({ ...event(1), chainSeq: "1", type: "a", data: "bc" });
    expect(a).not.toBe(b);
    expect(canonicalAuditEvent({ ...event(1), chainSeq: "1", claimId: null })).toContain("-;");
    // Bytes, not UTF-16 units: "张伟" is 6 bytes.
    expect(canonicalAuditEvent({ ...event(1), chainSeq: "1", type: "张伟" })).toContain("6:张伟;");
  });

  it("tells null from the text '-' and from the empty string", () => {
    const base = { ...event(1), chainSeq: "1" };
    const forms = new Set([null, "-", ""].map((v) => canonicalAuditEvent({ ...base, actorId: v })));
    expect(forms.size).toBe(3);
  });
});

describe("verifyAuditChain", () => {
  const rows = chain([1, 2, 3, 4, 5, 6].map((n) => event(n)));

  it("accepts an intact chain and gives its head", () => {
    const verdict = verifyAuditChain(rows, { head: { lastSeq: "6", lastHash: rows[5]!.hash } });
    expect(verdict).toEqual({ ok: true, events: 6, headSeq: "6", headHash: rows[5]!.hash });
    expect(verifyAuditChain([])).toEqual({ ok: true, events: 0, headSeq: "0", headHash: GENESIS_HASH });
  });

  it("names an edited event, even when its own hash was recomputed", () => {
    const edited = rows.map((r) => (r.id === "3" ? { ...r, data: `{"n": 3, "amount": 1}` } : r));
    const verdict = verifyAuditChain(edited);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.break).toMatchObject({ kind: "edited", eventId: "3", chainSeq: "3", lastGoodEventId: "2" });
    expect(verdict.break.message).toMatch(/event 3 .*edited/);

    const hidden = rows.map((r) => (r.id === "3" ? rehash({ ...r, actorId: "someone-else" }) : r));
    const next = verifyAuditChain(hidden);
    expect(next.ok).toBe(false);
    if (!next.ok) expect(next.break).toMatchObject({ kind: "relinked", eventId: "4", lastGoodEventId: "3" });
  });

  it("names the place of a deleted event", () => {
    const verdict = verifyAuditChain(rows.filter((r) => r.id !== "4"));
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.break).toMatchObject({ kind: "missing", eventId: "5", lastGoodEventId: "3" });
    expect(verdict.break.message).toContain("chain position 4");
  });

  it("catches a deletion renumbered to close the gap", () => {
    const renumbered = rows
      .filter((r) => r.id !== "2")
      .map((r, i) => rehash({ ...r, chainSeq: String(i + 1) }));
    const verdict = verifyAuditChain(renumbered);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.break).toMatchObject({ kind: "relinked", eventId: "3", lastGoodEventId: "1" });
  });

  it("catches events moved to other positions", () => {
    // e2 moved after e4: positions renumbered, each row's own hash recomputed, links left as they were.
    const order = ["1", "3", "4", "2", "5", "6"];
    const moved = order.map((id, i) => rehash({ ...rows.find((r) => r.id === id)!, chainSeq: String(i + 1) }));
    const verdict = verifyAuditChain(moved);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.break).toMatchObject({ kind: "relinked", eventId: "3", chainSeq: "2" });
    const duplicated = [rows[0]!, rows[1]!, rows[1]!, rows[2]!];
    const dup = verifyAuditChain(duplicated);
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.break).toMatchObject({ kind: "reordered", eventId: "2" });
  });

  it("catches events cut off the end, by the head row or by a head hash written down earlier", () => {
    const cut = rows.slice(0, 4);
    const byHead = verifyAuditChain(cut, { head: { lastSeq: "6", lastHash: rows[5]!.hash } });
    expect(byHead.ok).toBe(false);
    if (!byHead.ok) expect(byHead.break).toMatchObject({ kind: "truncated", eventId: null, lastGoodEventId: "4" });
    const byNote = verifyAuditChain(cut, { expectedHead: rows[4]!.hash });
    expect(byNote.ok).toBe(false);
    if (!byNote.ok) expect(byNote.break.kind).toBe("head_not_found");
    expect(verifyAuditChain(rows, { expectedHead: rows[4]!.hash }).ok).toBe(true);
  });
});
