/**
 * Wall-board links (read-only tokens for TVs): how long they live, what state they are in, and the
 * set of companies a board shows. Pure: shared by the model, the routes and the settings page.
 */
import { hasRole, type Actor } from "./actor";
import { z } from "zod";

/** The lifetimes a link may be made with, in days. Never unlimited. */
export const BOARD_LINK_LIFETIME_DAYS = [1, 7, 30, 90] as const;
export type BoardLinkLifetimeDays = (typeof BOARD_LINK_LIFETIME_DAYS)[number];
export const DEFAULT_BOARD_LINK_LIFETIME_DAYS: BoardLinkLifetimeDays = 7;

/** The longest name a link (its screen) may have. */
export const BOARD_TOKEN_NAME_MAX = 80;

/** A link's name (the screen it is for), trimmed; its codes are the settings screen's. */
export const BoardLinkNameSchema = z.string("name_required").trim().min(1, "name_required").max(BOARD_TOKEN_NAME_MAX, "name_too_long");

const DAY_MS = 86_400_000;

/** The lifetime a form asked for, or null when it is not one of the offered ones. */
export function parseBoardLinkLifetime(value: unknown): BoardLinkLifetimeDays | null {
  if (typeof value !== "string" || !/^\d{1,3}$/.test(value)) return null;
  const days = Number(value);
  return (BOARD_LINK_LIFETIME_DAYS as readonly number[]).includes(days) ? (days as BoardLinkLifetimeDays) : null;
}

export function boardLinkExpiry(createdAt: Date, days: BoardLinkLifetimeDays): Date {
  return new Date(createdAt.getTime() + days * DAY_MS);
}

export type BoardLinkState = "active" | "expired" | "revoked";

/** Revoked wins over expired (it says what someone did); a link is expired from its expiry instant on. */
export function boardLinkState(link: { revokedAt: Date | null; expiresAt: Date }, now: Date): BoardLinkState {
  if (link.revokedAt) return "revoked";
  return now.getTime() >= link.expiresAt.getTime() ? "expired" : "active";
}

/** A board's scope: the companies whose claims it shows, sorted and without repeats. */
export type BoardScope = { companyIds: readonly string[] };

export function boardScope(companyIds: Iterable<string>): BoardScope {
  return { companyIds: [...new Set(companyIds)].sort() };
}

/** One string per scope (boards with the same scope share their loads). */
export function boardScopeKey(scope: BoardScope): string {
  return boardScope(scope.companyIds).companyIds.join(",");
}

/** True when the scope includes every company there is (then the company-less rollups may be shown). */
export function coversEveryCompany(scope: BoardScope, allCompanyIds: readonly string[]): boolean {
  if (scope.companyIds.length === 0) return false;
  const mine = new Set(scope.companyIds);
  return allCompanyIds.every((id) => mine.has(id));
}

/** Who manages wall boards (opens them signed in, makes links, sets the target). */
export const BOARD_ROLES = ["SUPERVISOR", "ADMIN"] as const;

export function canManageBoard(actor: Actor): boolean {
  return hasRole(actor, ...BOARD_ROLES);
}
