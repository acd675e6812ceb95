import { createHash, randomBytes } from "node:crypto";
import { prisma } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";

/**
 * Read-only wall-board tokens for TVs on the floor. The token is 32 random bytes (base64url), shown
 * once when made; only its SHA-256 is stored, so a database dump does not open any board.
 */

export type BoardTokenRow = {
  id: string;
  name: string;
  createdBy: string;
  createdByName: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date | null;
};

export class BoardTokenError extends Error {
  constructor(
    readonly code: "name_required" | "name_too_long" | "not_found" | "already_revoked",
    message: string,
  ) {
    super(message);
  }
}

export const BOARD_TOKEN_NAME_MAX = 80;
// last_seen_at is a hint for "is this TV still on?", not an access log: one write a minute is plenty.
const LAST_SEEN_EVERY_MS = 60_000;

export function hashBoardToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Tokens look like base64url of 32 bytes; anything else is refused before it reaches the database. */
function wellFormed(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export async function createBoardToken({ name, actorId }: { name: string; actorId: string }): Promise<{ id: string; name: string; token: string }> {
  const clean = name.trim();
  if (!clean) throw new BoardTokenError("name_required", "a board token needs a name");
  if (clean.length > BOARD_TOKEN_NAME_MAX) throw new BoardTokenError("name_too_long", `name longer than ${BOARD_TOKEN_NAME_MAX}`);
  const token = randomBytes(32).toString("base64url");
  const id = newId();
  await prisma.$transaction(async (tx) => {
    await tx.boardToken.create({ data: { id, name: clean, tokenHash: hashBoardToken(token), createdBy: actorId } });
    await recordAudit(tx, { claimId: null, actorId, type: "board_token.created", data: { tokenId: id, name: clean } });
  });
  return { id, name: clean, token };
}

export async function revokeBoardToken({ id, actorId, now = new Date() }: { id: string; actorId: string; now?: Date }): Promise<{ name: string }> {
  return prisma.$transaction(async (tx) => {
    const row = await tx.boardToken.findUnique({ where: { id }, select: { id: true, name: true, revokedAt: true } });
    if (!row) throw new BoardTokenError("not_found", "no such board token");
    // Conditional update: two supervisors revoking at once record one revocation.
    const { count } = await tx.boardToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) throw new BoardTokenError("already_revoked", "board token already revoked");
    await recordAudit(tx, { claimId: null, actorId, type: "board_token.revoked", data: { tokenId: id, name: row.name } });
    return { name: row.name };
  });
}

export async function listBoardTokens(): Promise<BoardTokenRow[]> {
  const rows = await prisma.boardToken.findMany({ orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }] });
  const creators = await prisma.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.createdBy))] } }, select: { id: true, name: true } });
  const names = new Map(creators.map((u) => [u.id, u.name]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdBy: r.createdBy,
    createdByName: names.get(r.createdBy) ?? null,
    createdAt: r.createdAt,
    revokedAt: r.revokedAt,
    lastSeenAt: r.lastSeenAt,
  }));
}

/** The live (not revoked) token this string opens, or null; notes when the board was last seen. */
export async function verifyBoardToken(token: string, now: Date = new Date()): Promise<{ id: string; name: string } | null> {
  if (!wellFormed(token)) return null;
  const row = await prisma.boardToken.findUnique({
    where: { tokenHash: hashBoardToken(token) },
    select: { id: true, name: true, revokedAt: true, lastSeenAt: true },
  });
  if (!row || row.revokedAt) return null;
  if (!row.lastSeenAt || now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_EVERY_MS) {
    await prisma.boardToken.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastSeenAt: now } });
  }
  return { id: row.id, name: row.name };
}

/** Still live? (An open stream asks this now and then, so a revoked TV goes dark without a reload.) */
export async function boardTokenIsLive(id: string): Promise<boolean> {
  const row = await prisma.boardToken.findUnique({ where: { id }, select: { revokedAt: true } });
  return !!row && !row.revokedAt;
}
