/**
 * Keeps the workstation and the receipt viewer window in step over a BroadcastChannel. A tiny typed
 * protocol plus pure helpers: the routes only open the channel, post and react.
 *
 * - "show"  (workstation → viewer): a line was selected; show its first receipt, page 1.
 * - "claim" (workstation → viewer): the workstation moved to another claim; the viewer follows.
 * - "hello" (either side, on load): "I am here, tell me where you are".
 * - "state" (answer to hello): the sender's current claim and position.
 *
 * Messages come from any same-origin tab, so everything received is validated (`parseSyncMessage`)
 * and malformed messages are ignored, never thrown on.
 */

export const SYNC_CHANNEL = "af-workstation";

export type SyncPeer = "viewer" | "workstation";

export type ShowMessage = {
  type: "show";
  claimId: string;
  receiptId: string;
  page: number;
  lineIds: string[];
  sentAt: number;
  /** Issue 14: where the receipt's total was read (highlighted), or that it came from e-invoice data (no place). */
  mark?: ReadingMarkMessage | null;
};
/** A region in the pixels of the page image the viewer shows; null = read without a place on the image. */
export type ReadingMarkMessage = { source: string; region: { page: number; x: number; y: number; width: number; height: number } | null };
export type ClaimMessage = { type: "claim"; claimId: string; receiptId: string | null };
export type HelloMessage = { type: "hello"; from: SyncPeer; claimId: string };
/** Where the sender is: the workstation's selected line target, or the viewer's current receipt/page. */
export type StateMessage = {
  type: "state";
  from: SyncPeer;
  claimId: string;
  receiptId: string | null;
  page: number;
  lineIds: string[];
};

export type SyncMessage = ShowMessage | ClaimMessage | HelloMessage | StateMessage;

export type SyncTarget = { receiptId: string; page: number };

/** The receipt a line shows: its first receipt that the claim still has, page 1; null if none. */
export function targetForLine(
  line: { receiptIds: readonly string[] } | null | undefined,
  receipts: readonly { id: string }[],
): SyncTarget | null {
  if (!line) return null;
  const known = new Set(receipts.map((r) => r.id));
  const receiptId = line.receiptIds.find((id) => known.has(id));
  return receiptId === undefined ? null : { receiptId, page: 1 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 200;
}
function isPage(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 10_000;
}
function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= 1_000 && value.every(isId);
}
function isPeer(value: unknown): value is SyncPeer {
  return value === "viewer" || value === "workstation";
}

/** The message, validated and copied (unknown fields dropped); null for anything malformed. */
export function parseSyncMessage(data: unknown): SyncMessage | null {
  try {
    return parseUnsafe(data);
  } catch {
    return null; // e.g. a throwing getter or proxy (cannot arrive over a channel, but never throw)
  }
}

function parseUnsafe(data: unknown): SyncMessage | null {
  if (!isRecord(data) || !isId(data.claimId)) return null;
  const claimId = data.claimId;
  switch (data.type) {
    case "show":
      if (!isId(data.receiptId) || !isPage(data.page) || !isIdList(data.lineIds)) return null;
      if (typeof data.sentAt !== "number" || !Number.isFinite(data.sentAt)) return null;
      return { type: "show", claimId, receiptId: data.receiptId, page: data.page, lineIds: [...data.lineIds], sentAt: data.sentAt, ...(data.mark !== undefined ? { mark: parseMark(data.mark) } : {}) };
    case "claim":
      if (data.receiptId !== null && !isId(data.receiptId)) return null;
      return { type: "claim", claimId, receiptId: data.receiptId };
    case "hello":
      if (!isPeer(data.from)) return null;
      return { type: "hello", from: data.from, claimId };
    case "state":
      if (!isPeer(data.from) || (data.receiptId !== null && !isId(data.receiptId))) return null;
      if (!isPage(data.page) || !isIdList(data.lineIds)) return null;
      return { type: "state", from: data.from, claimId, receiptId: data.receiptId, page: data.page, lineIds: [...data.lineIds] };
    default:
      return null;
  }
}

/** A reading mark, validated; anything malformed counts as no mark (the line still shows). */
function parseMark(value: unknown): ReadingMarkMessage | null {
  if (!isRecord(value) || typeof value.source !== "string" || value.source.length > 20) return null;
  if (value.region === null) return { source: value.source, region: null };
  const r = value.region;
  if (!isRecord(r) || !isPage(r.page)) return null;
  const n = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1_000_000;
  if (!n(r.x) || !n(r.y) || !n(r.width) || !n(r.height) || (r.width as number) <= 0 || (r.height as number) <= 0) return null;
  return { source: value.source, region: { page: r.page, x: r.x as number, y: r.y as number, width: r.width as number, height: r.height as number } };
}

/**
 * The message if this window should act on it: valid, and about the claim it shows — except "claim",
 * which is precisely about moving to another claim. Null otherwise.
 */
export function acceptSyncMessage(data: unknown, currentClaimId: string): SyncMessage | null {
  const message = parseSyncMessage(data);
  if (!message) return null;
  if (message.type !== "claim" && message.claimId !== currentClaimId) return null;
  return message;
}

/** The viewer's URL for a claim, optionally at a receipt. */
export function viewerPath(claimId: string, receiptId: string | null = null): string {
  const base = `/claims/${encodeURIComponent(claimId)}/viewer`;
  return receiptId ? `${base}?receipt=${encodeURIComponent(receiptId)}` : base;
}

/** The channel, or null where BroadcastChannel is missing (old browsers, server render). */
export function openSyncChannel(): BroadcastChannel | null {
  if (typeof BroadcastChannel === "undefined") return null;
  try {
    return new BroadcastChannel(SYNC_CHANNEL);
  } catch {
    return null;
  }
}

/** Posts, ignoring a closed channel (postMessage throws InvalidStateError after close()). */
export function postSync(channel: BroadcastChannel | null, message: SyncMessage): void {
  if (!channel) return;
  try {
    channel.postMessage(message);
  } catch {
    // Closed or unclonable: the other window simply does not follow this time.
  }
}

/** A screen as the Window Management API describes it (not yet in TypeScript's DOM types). */
export type ScreenArea = {
  availLeft: number;
  availTop: number;
  availWidth: number;
  availHeight: number;
  isPrimary?: boolean;
};

/**
 * The screen to open the viewer on: another one than the window's current screen (a non-primary one
 * first when the workstation is on the primary), or null when there is only one.
 */
export function otherScreen<S extends ScreenArea>(screens: readonly S[], current: S | null | undefined): S | null {
  const same = (s: S) =>
    current != null &&
    (s === current ||
      (s.availLeft === current.availLeft && s.availTop === current.availTop && s.availWidth === current.availWidth && s.availHeight === current.availHeight));
  const others = screens.filter((s) => !same(s));
  return others.find((s) => !s.isPrimary) ?? others[0] ?? null;
}

/** window.open features that fill a screen's available area. */
export function popupFeatures(area: ScreenArea): string {
  const r = Math.round;
  return `popup,left=${r(area.availLeft)},top=${r(area.availTop)},width=${r(area.availWidth)},height=${r(area.availHeight)}`;
}
