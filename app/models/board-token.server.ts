import { createHash, randomBytes } from "node:crypto";
import {
  BoardLinkNameSchema,
  boardLinkExpiry,
  boardLinkState,
  boardScope,
  parseBoardLinkLifetime,
  type BoardLinkState,
  type BoardScope,
} from "~/domain/board-links";
import { AppError } from "~/domain/app-error";
import { prisma } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";

/**
 * Read-only wall-board tokens for TVs on the floor. The token is 32 random bytes (base64url), shown
 * once when made; only its SHA-256 is stored, so a database dump does not open any board.
 *
 * A link lives 1 to 90 days (chosen when made) and shows only the companies its maker worked for then
 * (`board_token_company`), and of those only the ones the maker still works for: a maker who loses a
 * company, the supervisor role or their account takes the link's view of it along
 * (docs/decisions/013-board-links.md).
 */

export type BoardTokenCompany = { id: string; code: string; name: string; nameZh: string };

export type BoardTokenRow = {
  id: string;
  name: string;
  createdBy: string;
  createdByName: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date | null;
  state: BoardLinkState;
  companies: BoardTokenCompany[];
};

/** What making or revoking a link can be refused for (AppError codes; the settings screen words each one). */
export type BoardTokenErrorCode = "name_required" | "name_too_long" | "bad_lifetime" | "no_companies" | "not_found" | "already_revoked";

// last_seen_at is a hint for "is this TV still on?", not an access log: one write a minute is plenty.
const LAST_SEEN_EVERY_MS = 60_000;
/** Roles whose links work (the same roles that may manage the board). */
const BOARD_MAKER_ROLES = ["SUPERVISOR", "ADMIN"];

export function hashBoardToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Tokens look like base64url of 32 bytes; anything else is refused before it reaches the database. */
function wellFormed(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/**
 * The scope of a signed-in board manager's board: the companies they work for (`user_company`), or
 * null when they may not look (inactive, no board role). Asked at page load and again while a stream is open.
 */
export async function boardManagerScope(userId: string): Promise<BoardScope | null> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { active: true, roles: true } });
  if (!user?.active || !user.roles.some((r) => BOARD_MAKER_ROLES.includes(r))) return null;
  const rows = await prisma.userCompany.findMany({ where: { userId }, select: { companyId: true } });
  return boardScope(rows.map((r) => r.companyId));
}

export async function createBoardToken({
  name,
  actorId,
  lifetimeDays,
  now = new Date(),
}: {
  name: string;
  actorId: string;
  /** 1, 7, 30 or 90 (a form's string is accepted and checked). */
  lifetimeDays: number | string;
  now?: Date;
}): Promise<{ id: string; name: string; token: string; expiresAt: Date; companyIds: readonly string[] }> {
  const named = BoardLinkNameSchema.safeParse(name);
  if (!named.success) throw new AppError(named.error.issues[0]!.message as BoardTokenErrorCode);
  const clean = named.data;
  const days = parseBoardLinkLifetime(String(lifetimeDays));
  if (!days) throw new AppError<BoardTokenErrorCode>("bad_lifetime");
  const token = randomBytes(32).toString("base64url");
  const id = newId();
  const expiresAt = boardLinkExpiry(now, days);
  const companyIds = await prisma.$transaction(async (tx) => {
    const rows = await tx.userCompany.findMany({ where: { userId: actorId }, select: { companyId: true } });
    const { companyIds: ids } = boardScope(rows.map((r) => r.companyId));
    // A link shows the companies of its maker; someone who works for none has nothing to show.
    if (ids.length === 0) throw new AppError<BoardTokenErrorCode>("no_companies");
    await tx.boardToken.create({ data: { id, name: clean, tokenHash: hashBoardToken(token), createdBy: actorId, createdAt: now, expiresAt } });
    await tx.boardTokenCompany.createMany({ data: ids.map((companyId) => ({ tokenId: id, companyId })) });
    await recordAudit(tx, {
      claimId: null,
      actorId,
      type: "board_token.created",
      data: { tokenId: id, name: clean, lifetimeDays: days, expiresAt: expiresAt.toISOString(), companyIds: [...ids] },
    });
    return ids;
  });
  return { id, name: clean, token, expiresAt, companyIds };
}

/** Whether `viewerCompanies` may see (and revoke) a link: they made it, or it shows one of their companies. */
function linkVisibleTo(link: { createdBy: string; companyIds: readonly string[] }, viewerId: string, viewerCompanies: ReadonlySet<string>): boolean {
  return link.createdBy === viewerId || link.companyIds.some((id) => viewerCompanies.has(id));
}

export async function revokeBoardToken({ id, actorId, now = new Date() }: { id: string; actorId: string; now?: Date }): Promise<{ name: string }> {
  return prisma.$transaction(async (tx) => {
    const row = await tx.boardToken.findUnique({ where: { id }, select: { id: true, name: true, createdBy: true, revokedAt: true } });
    const links = await tx.boardTokenCompany.findMany({ where: { tokenId: id }, select: { companyId: true } });
    const mine = await tx.userCompany.findMany({ where: { userId: actorId }, select: { companyId: true } });
    // Another company's link is not there as far as this supervisor can tell.
    if (!row || !linkVisibleTo({ createdBy: row.createdBy, companyIds: links.map((l) => l.companyId) }, actorId, new Set(mine.map((m) => m.companyId)))) {
      throw new AppError<BoardTokenErrorCode>("not_found");
    }
    // Conditional update: two supervisors revoking at once record one revocation.
    const { count } = await tx.boardToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) throw new AppError<BoardTokenErrorCode>("already_revoked");
    await recordAudit(tx, { claimId: null, actorId, type: "board_token.revoked", data: { tokenId: id, name: row.name } });
    return { name: row.name };
  });
}

/** The links a board manager may see: theirs, and those that show one of the companies they work for. */
export async function listBoardTokens({ viewerId, now = new Date() }: { viewerId: string; now?: Date }): Promise<BoardTokenRow[]> {
  const [rows, mine] = await Promise.all([
    prisma.boardToken.findMany({ orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }] }),
    prisma.userCompany.findMany({ where: { userId: viewerId }, select: { companyId: true } }),
  ]);
  const links = await prisma.boardTokenCompany.findMany({ where: { tokenId: { in: rows.map((r) => r.id) } } });
  const companiesOf = new Map<string, string[]>();
  for (const l of links) companiesOf.set(l.tokenId, [...(companiesOf.get(l.tokenId) ?? []), l.companyId]);
  const myCompanies = new Set(mine.map((m) => m.companyId));
  const visible = rows.filter((r) => linkVisibleTo({ createdBy: r.createdBy, companyIds: companiesOf.get(r.id) ?? [] }, viewerId, myCompanies));
  const [creators, companies] = await Promise.all([
    prisma.user.findMany({ where: { id: { in: [...new Set(visible.map((r) => r.createdBy))] } }, select: { id: true, name: true } }),
    prisma.company.findMany({ where: { id: { in: [...new Set(links.map((l) => l.companyId))] } }, select: { id: true, code: true, name: true, nameZh: true } }),
  ]);
  const names = new Map(creators.map((u) => [u.id, u.name]));
  const companyById = new Map(companies.map((c) => [c.id, c]));
  // Active links first, then expired, then revoked; newest first within each.
  const order: Record<BoardLinkState, number> = { active: 0, expired: 1, revoked: 2 };
  return visible
    .map((r) => ({
      id: r.id,
      name: r.name,
      createdBy: r.createdBy,
      createdByName: names.get(r.createdBy) ?? null,
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
      revokedAt: r.revokedAt,
      lastSeenAt: r.lastSeenAt,
      state: boardLinkState(r, now),
      companies: (companiesOf.get(r.id) ?? [])
        .map((id) => companyById.get(id))
        .filter((c): c is BoardTokenCompany => !!c)
        .sort((a, b) => a.code.localeCompare(b.code)),
    }))
    .sort((a, b) => order[a.state] - order[b.state] || b.createdAt.getTime() - a.createdAt.getTime());
}

export type LiveBoardLink = { id: string; name: string; expiresAt: Date; scope: BoardScope };

/**
 * The link as it may be used now, or null: not revoked, not expired, its maker active with a board
 * role, and at least one of its companies that the maker still works for. A database error throws
 * (callers refuse on it: never a link that opens because its check failed).
 */
async function readLiveLink(by: { tokenHash: string } | { id: string }, now: Date): Promise<(LiveBoardLink & { lastSeenAt: Date | null }) | null> {
  const hash = "tokenHash" in by ? by.tokenHash : null;
  const id = "id" in by ? by.id : null;
  const rows = await prisma.$queryRaw<
    { id: string; name: string; revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date | null; makerMay: boolean; companyIds: string[] }[]
  >`
    SELECT t.id, t.name, t.revoked_at AS "revokedAt", t.expires_at AS "expiresAt", t.last_seen_at AS "lastSeenAt",
           (u.active AND u.roles && ${BOARD_MAKER_ROLES}::"Role"[]) AS "makerMay",
           coalesce(array_agg(uc.company_id) FILTER (WHERE uc.company_id IS NOT NULL), '{}') AS "companyIds"
      FROM board_token t
      JOIN app_user u ON u.id = t.created_by
      LEFT JOIN board_token_company tc ON tc.token_id = t.id
      LEFT JOIN user_company uc ON uc.user_id = t.created_by AND uc.company_id = tc.company_id
     WHERE (${hash}::text IS NOT NULL AND t.token_hash = ${hash}) OR (${id}::text IS NOT NULL AND t.id = ${id})
     GROUP BY t.id, u.id`;
  const row = rows[0];
  if (!row || boardLinkState(row, now) !== "active" || !row.makerMay || row.companyIds.length === 0) return null;
  return { id: row.id, name: row.name, expiresAt: row.expiresAt, lastSeenAt: row.lastSeenAt, scope: boardScope(row.companyIds) };
}

/** The live link this string opens, or null; notes when the board was last seen. */
export async function verifyBoardToken(token: string, now: Date = new Date()): Promise<LiveBoardLink | null> {
  if (!wellFormed(token)) return null;
  const link = await readLiveLink({ tokenHash: hashBoardToken(token) }, now);
  if (!link) return null;
  if (!link.lastSeenAt || now.getTime() - link.lastSeenAt.getTime() > LAST_SEEN_EVERY_MS) {
    await prisma.boardToken.updateMany({ where: { id: link.id, revokedAt: null }, data: { lastSeenAt: now } });
  }
  return { id: link.id, name: link.name, expiresAt: link.expiresAt, scope: link.scope };
}

/** The link by id as it may be used now, or null (an open stream asks this now and then). */
export async function liveBoardLink(id: string, now: Date = new Date()): Promise<LiveBoardLink | null> {
  const link = await readLiveLink({ id }, now);
  return link ? { id: link.id, name: link.name, expiresAt: link.expiresAt, scope: link.scope } : null;
}

/** Still live? (Kept for callers that only need yes or no.) */
export async function boardTokenIsLive(id: string, now: Date = new Date()): Promise<boolean> {
  return (await liveBoardLink(id, now)) !== null;
}
