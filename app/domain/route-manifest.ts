/**
 * The authorization manifest: every route file in app/routes/ (and the one Express route), who may call
 * its loader and its action, and the scope that applies on top. Pure data. It is written from what the
 * code enforces (each `why` names the check); route-manifest.test.ts fails when a route file has no
 * entry or its exports differ, test/authorization-matrix.integration.test.ts calls every entry as every
 * role against the real server, and docs/security.md prints it (scripts/print-route-matrix.ts).
 */

import { ARCHIVE_STAFF, ARCHIVE_WORKERS } from "./archive-roles";
import type { Role } from "./roles";

export { ROLES, type Role } from "./roles";

/** "public": anyone, signed in or not; "signed-in": any role; otherwise any of the listed roles. */
export type Callers = "public" | "signed-in" | readonly [Role, ...Role[]];

export type Scope =
  | "none"
  | "self"
  | "own-claims"
  | "claim"
  | "claimant"
  | "own-claim"
  | "task"
  | "approval"
  | "groups"
  | "companies"
  | "profile"
  | "board-token"
  | "board-links"
  | "treasury"
  | "budgets"
  | "packets"
  | "archive-boxes"
  | "retention"
  | "archive-access";

/** What each scope means; printed under the matrix in docs/security.md. */
export const SCOPES: Record<Scope, string> = {
  none: "No scope beyond the role: the data is the SSC's own configuration or figures.",
  self: "The caller's own things only (their sessions, their piece-rate statement).",
  "own-claims": "Lists only the caller's own claims.",
  claim:
    "Claim visibility (app/domain/claim-access.ts): the claimant; their line manager and whoever is asked to approve it (or stands in by delegation); " +
    "an accountant whose processing group has or had a task on it; QA for claims of QA tasks assigned to them; supervisors, admins, archivists and treasury for claims of the companies they are assigned to (user_company). " +
    "Drafts only the claimant. Anything else is hidden: 404.",
  claimant: "The claimant only, and only while the claim is with them (draft or returned); anyone else gets 404.",
  "own-claim":
    "The claimant only (anyone else's claim, whoever can see it, is 404), checked with the claim locked; withdrawing is allowed while no manager has decided it (submitted) or while it is returned, else the page shows the refusal.",
  task:
    "The workstation: an accountant only the review task they have in progress; QA the QA tasks assigned to them; supervisors and admins read-only, the tasks of claims they may see. Otherwise 404.",
  approval:
    "Approval tasks assigned to the caller or to a manager who delegated to them today; admins also tasks nobody can approve. A decision on another task is refused with a message.",
  groups: "Accountants see the queues of the processing groups they belong to; supervisors and admins every group.",
  companies:
    "Supervisors and admins see the tasks of claims of the companies they are assigned to (user_company). " +
    "The ledger (vouchers, periods, exports, chart of accounts and mappings): accountants, supervisors and admins read the books of the companies they are assigned to (user_company); " +
    "another company's voucher or export is not found (404) and left out of lists, and a command naming another company is refused as not found.",
  profile:
    "A claim's company and department come from the claimant's profile: their own department and their further department memberships (user_department), each with its company; any other pair is refused with a field error and nothing is made.",
  "board-token":
    "A signed-in supervisor or admin with at least one company (user_company; none is 403), or (without a session) a live, unexpired board token in ?token=; a bad, revoked or expired token is 403, never a fall-back to the session. " +
    "The board shows only the companies of the viewer, or of the link's maker that the maker still works for.",
  "board-links":
    "Board links: a supervisor or admin lists and revokes only the links they made or that show one of their companies (another's is not found); making one needs at least one company and a lifetime of 1–90 days.",
  budgets:
    "Budget cells: a manager sees the departments they head or whose people report to them; supervisors and admins the companies they are assigned to (user_company); a filter naming anything else shows nothing. " +
    "Setting budgets, importing and the controls: admins, their companies only (another company is not found). Transfers: admins and supervisors of both cells' company; the requester never decides their own.",
  packets:
    "Packets of paper originals and the arrival desk: a packet is seen and changed by its maker, and by archive staff (ARCHIVIST, SUPERVISOR, ADMIN) of its company (user_company); anyone else gets 404. " +
    "Others put only their own claims in a packet (someone else's claim reads as not found); archive staff any claim of the packet's company. " +
    "The arrival desk is archive staff's only: a packet or cover-sheet code of a company outside their user_company reads as unknown, and nothing of it changes.",
  "archive-boxes":
    "Archive boxes: archivists, supervisors and admins see the boxes (contents, movements, labels) of the companies they are assigned to (user_company); archivists and admins make, file into, move and close them; " +
    "another company's box is not found (404) and left out of lists and counts, a claim number of another company is not found. Locations belong to the SSC (any archive worker adds one). The numbering scheme: admins, their companies only.",
  treasury:
    "Treasury works on the companies it is assigned to (user_company): their payment runs, payer accounts, statements and entries, employees' held bank-account changes and treasury settings. " +
    "Another company's run, account or entry is not found (404) and left out of lists; a statement naming an account outside them is refused whole. " +
    "Preparing, approving and releasing a run refuse anyone who claimed, approved or reviewed one of its claims, and approval refuses the run's preparer; nobody decides a change of their own bank account or one they asked for.",
  retention:
    "Retention and destruction: archivists, supervisors and admins work on the archive records, destruction requests, register and retention periods of the companies they are assigned to (user_company); " +
    "another company's request is not found (404), its records and register rows are left out of lists, and a command naming them is refused as not found. " +
    "Periods and legal holds are changed by admins only; a destruction needs two approvals from two people in two roles, neither the requester (app/domain/retention.ts).",
  "archive-access":
    "The archive's search and statistics: archivists, supervisors and admins see the archive records, requests, views and loans of the companies they are assigned to (user_company); another company's never appear. " +
    "Loans and access: anyone signed in asks to view an archived claim or borrow a box and sees their own requests; a request is shown to its requester and to archive staff of the record's or box's company, anyone else 404. " +
    "Staff of that company decide, lend, take back or revoke (another company's request is 404; their own request is refused). " +
    "The read-only record view and its images open for the requester only, only under an approved view and only on the days of its period (outside it 403 with the reason); every opening is logged in archive_view.",
};

export type Handler = {
  callers: Callers;
  scope: Scope;
  /**
   * What a caller of an allowed role gets for something outside their scope: hidden (404), refused (403),
   * refused inside the action's answer ("form-error", status 200 with the refusal), or left out of a list
   * ("filtered"). Absent: the scope has nothing to be outside of (it is the caller's own data or none).
   */
  outOfScope?: 404 | 403 | "form-error" | "filtered";
  /**
   * A request without a session: the sign-in page (a redirect to /login that comes back), a plain 401
   * (files, event streams, bull-board's API: nothing there can follow a sign-in page), or served ("public").
   */
  anonymous: "sign-in" | 401 | "public";
  why: string;
};

export type RouteEntry = { path: string; loader?: Handler; action?: Handler };

const OVERSEERS = ["SUPERVISOR", "ADMIN"] as const satisfies readonly Role[];
const LEDGER_READERS = ["ACCOUNTANT", "SUPERVISOR", "ADMIN"] as const satisfies readonly Role[];

/** Keyed by the route file's name without `.tsx`. */
export const ROUTE_MANIFEST = {
  _index: {
    path: "/",
    loader: { callers: "public", scope: "none", anonymous: "public", why: "Only redirects: to /claims when signed in, to /login otherwise (getOptionalUser)." },
  },
  account: {
    path: "/account",
    loader: { callers: "signed-in", scope: "self", anonymous: "sign-in", why: "requireUser; lists the caller's own live sessions (listActiveSessions(user.id))." },
    action: {
      callers: "signed-in",
      scope: "self",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireUser; ends the caller's own sessions only: another user's session id is 404 (endOwnSession matches on user id).",
    },
  },
  "account_.bank": {
    path: "/account/bank",
    loader: {
      callers: "signed-in",
      scope: "self",
      anonymous: "sign-in",
      why: "requireUser; the caller's own bank account, held change (masked) and messages only (myBankAccounts(user.id), listNotifications(user.id)).",
    },
    action: {
      callers: "signed-in",
      scope: "self",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireUser; asks for, confirms (password re-entered) or cancels a change of the caller's own account only: another user's change id is 404 (cancelBankChange matches the owner).",
    },
  },
  "archive.arrivals": {
    path: "/archive/arrivals",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "packets",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; ?packet= resumes only a packet being received of the caller's companies (resumeDeskPacket), another shows no packet.",
    },
    action: {
      callers: ARCHIVE_STAFF,
      scope: "packets",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "One scan: requireRole ARCHIVIST, SUPERVISOR or ADMIN before the form is read; deskScan reads codes only within the caller's companies (another company's packet or claim is 'unknown', nothing changes); one transaction with its paper_scan row and audit events.",
    },
  },
  "archive.packets._index": {
    path: "/archive/packets",
    loader: {
      callers: "signed-in",
      scope: "packets",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireUser; listPackets: the caller's own packets, and with ?scope=all for archive staff those of their companies (user_company).",
    },
    action: {
      callers: "signed-in",
      scope: "packets",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "Make a packet: requireUser; createPacket refuses a company that is not the caller's (own company, a company of their claims owing originals, or user_company for archive staff); audited.",
    },
  },
  "archive.packets.$packetId": {
    path: "/archive/packets/:packetId",
    loader: {
      callers: "signed-in",
      scope: "packets",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireUser; packetDetail answers null unless the caller made the packet or is archive staff of its company: 404.",
    },
    action: {
      callers: "signed-in",
      scope: "packets",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "Add, remove, send: requireUser, then packetDetail (404 outside scope) before the form is read; addToPacket takes only submitted claims of the packet's company whose originals are owed and in no other open packet (non-staff: their own claims); audited.",
    },
  },
  "archive.packets.$packetId.manifest": {
    path: "/archive/packets/:packetId/manifest",
    loader: {
      callers: "signed-in",
      scope: "packets",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "The manifest PDF: requireUser; packetDetail (the maker or archive staff of its company), otherwise 404.",
    },
  },
  "admin.paper": {
    path: "/admin/paper",
    loader: {
      callers: ["ADMIN"],
      scope: "companies",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ADMIN; listPaperSettings lists only the caller's companies (user_company).",
    },
    action: {
      callers: ["ADMIN"],
      scope: "companies",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "requireRole ADMIN; setPaperSettings refuses another company (not_found, shown on the page) and records the change with its audit event.",
    },
  },
  "admin.routing": {
    path: "/admin/routing",
    loader: { callers: OVERSEERS, scope: "none", anonymous: "sign-in", why: "Admins edit routing rules and return reasons; supervisors may read them (requireViewer)." },
    action: { callers: ["ADMIN"], scope: "none", anonymous: "sign-in", why: "Only admins change rules or reasons: 403 for supervisors before the form is read." },
  },
  "admin.security": {
    path: "/admin/security",
    loader: { callers: ["ADMIN"], scope: "none", anonymous: "sign-in", why: "The security log (sign-ins, failures, locks, sign-outs of everyone): requireRole ADMIN." },
  },
  "admin.users": {
    path: "/admin/users",
    loader: { callers: ["ADMIN"], scope: "none", anonymous: "sign-in", why: "Every user's roles, active flag and companies: requireRole ADMIN." },
    action: {
      callers: ["ADMIN"],
      scope: "none",
      anonymous: "sign-in",
      why: "requireRole ADMIN before the form is read; updateUserRights audits each change, refuses removing one's own admin role or deactivating oneself, and the trigger ends the user's sessions.",
    },
  },
  "archive.boxes._index": {
    path: "/archive/boxes",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "archive-boxes",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; listBoxes and findClaimBox read only the caller's companies (user_company): another company's box or claim is not shown.",
    },
    action: {
      callers: ARCHIVE_WORKERS,
      scope: "archive-boxes",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "Make a box: requireRole ARCHIVIST or ADMIN before the form is read; createBox refuses a company outside the caller's (not_found, shown on the page); numbered under a per-key lock, audited.",
    },
  },
  "archive.boxes.$boxId._index": {
    path: "/archive/boxes/:boxId",
    loader: { callers: ARCHIVE_STAFF, scope: "archive-boxes", outOfScope: 404, anonymous: "sign-in", why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; getBox answers null for a box of a company outside the caller's: 404." },
    action: {
      callers: ARCHIVE_WORKERS,
      scope: "archive-boxes",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "Close or move: requireRole ARCHIVIST or ADMIN before the form is read; closeBox/moveBox lock the box among the caller's companies (another's is 404); each audited, a move writes the movement log in the same transaction.",
    },
  },
  "archive.boxes.$boxId.label": {
    path: "/archive/boxes/:boxId/label",
    loader: { callers: ARCHIVE_STAFF, scope: "archive-boxes", outOfScope: 404, anonymous: "sign-in", why: "The box label PDF: same getBox scope as the box page, 404 otherwise. Read-only." },
  },
  "archive.boxes.$boxId.contents": {
    path: "/archive/boxes/:boxId/contents",
    loader: { callers: ARCHIVE_STAFF, scope: "archive-boxes", outOfScope: 404, anonymous: "sign-in", why: "The contents list PDF: same getBox scope as the box page, 404 otherwise. Read-only." },
  },
  "archive.boxes.file": {
    path: "/archive/boxes/file",
    loader: { callers: ARCHIVE_WORKERS, scope: "archive-boxes", outOfScope: 404, anonymous: "sign-in", why: "The filing station: requireRole ARCHIVIST or ADMIN; the chosen box (?box=) through getBox, another company's is 404." },
    action: {
      callers: ARCHIVE_WORKERS,
      scope: "archive-boxes",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "A scan: requireRole ARCHIVIST or ADMIN before the form is read; a box label is looked up among the caller's companies; fileOriginal locks the box among them (another's is 404) and finds the claim only there; one transaction with its audit event.",
    },
  },
  "archive.boxes.locations": {
    path: "/archive/boxes/locations",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "archive-boxes",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; the SSC's locations with counts of the caller's companies' boxes only.",
    },
    action: { callers: ARCHIVE_WORKERS, scope: "none", anonymous: "sign-in", why: "Add a location (the SSC's, no company): requireRole ARCHIVIST or ADMIN before the form is read; createLocation checks the fields, audited." },
  },
  "archive.boxes.settings": {
    path: "/archive/boxes/settings",
    loader: { callers: ["ADMIN"], scope: "archive-boxes", outOfScope: "filtered", anonymous: "sign-in", why: "requireRole ADMIN; the numbering schemes of the caller's companies only (user_company)." },
    action: {
      callers: ["ADMIN"],
      scope: "archive-boxes",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "requireRole ADMIN before the form is read; setArchiveScheme refuses another company (not_found, shown on the page) and a template parseArchiveScheme refuses (per field); audited.",
    },
  },
  approvals: {
    path: "/approvals",
    loader: {
      callers: ["MANAGER", "ADMIN"],
      scope: "approval",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireApprover; listApprovals shows the caller's own tasks, their delegators' and (admins) unassigned ones, never their own claims.",
    },
    action: {
      callers: ["MANAGER", "ADMIN"],
      scope: "approval",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why:
        "requireApprover before the form is read; decideApproval re-checks assignee, delegation and four eyes in the transaction (not_allowed, shown on the page); " +
        "a delegation goes only to an active manager of the same company for at most 90 days; revoke ends only the caller's own delegation.",
    },
  },
  "budgets._index": {
    path: "/budgets",
    loader: {
      callers: ["MANAGER", "SUPERVISOR", "ADMIN"],
      scope: "budgets",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole MANAGER, SUPERVISOR or ADMIN; listBudgetCells shows only the caller's departments (head or line manager) and companies (user_company).",
    },
  },
  "budgets.manage": {
    path: "/budgets/manage",
    loader: { callers: ["ADMIN"], scope: "budgets", outOfScope: "filtered", anonymous: "sign-in", why: "requireRole ADMIN; only the companies in the caller's user_company are offered." },
    action: {
      callers: ["ADMIN"],
      scope: "budgets",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "requireRole ADMIN before the form is read; setBudgetCell, saveBudgetControls and the import check the company is one of the caller's (not_found otherwise); every change audited.",
    },
  },
  "budgets.preview": {
    path: "/budgets/preview",
    loader: {
      callers: "signed-in",
      scope: "profile",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireUser; budgetLineNotes answers only for a company and department the caller's profile lets them file claims for (checkClaimOrg), 404 otherwise. Read-only.",
    },
  },
  "budgets.transfers": {
    path: "/budgets/transfers",
    loader: { callers: OVERSEERS, scope: "budgets", outOfScope: "filtered", anonymous: "sign-in", why: "requireRole ADMIN or SUPERVISOR; cells and transfers of the caller's companies only (user_company)." },
    action: {
      callers: OVERSEERS,
      scope: "budgets",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "requireRole ADMIN or SUPERVISOR before the form is read; a cell or transfer of another company is refused (unknown_cell / not_found); the requester cannot decide their own transfer (four_eyes); audited.",
    },
  },
  "board.events": {
    path: "/board/events",
    loader: {
      callers: OVERSEERS,
      scope: "board-token",
      outOfScope: 403,
      anonymous: 401,
      why: "The board's Server-Sent Events: requireBoardViewer({ stream: true }); an EventSource cannot follow a sign-in page, so 401.",
    },
  },
  board: {
    path: "/board",
    loader: { callers: OVERSEERS, scope: "board-token", outOfScope: 403, anonymous: "sign-in", why: "The wall board: requireBoardViewer (role, or a live token for a TV)." },
  },
  "bench.bare": {
    path: "/bench/bare",
    loader: {
      callers: "public",
      scope: "none",
      anonymous: "public",
      why: "The load bench's baseline: a constant, only when BENCH_BARE_ROUTE=1 (never in production); otherwise 404 for everyone. Reads nothing.",
    },
  },
  "board_.settings": {
    path: "/board/settings",
    loader: {
      callers: OVERSEERS,
      scope: "board-links",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "Board links and the cycle-time target: requireRole SUPERVISOR or ADMIN; listBoardTokens shows the viewer's own links and those of their companies.",
    },
    action: {
      callers: OVERSEERS,
      scope: "board-links",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "Creates/revokes board links, sets the target: requireRole SUPERVISOR or ADMIN before the form is read; revoking another company's link answers not_found.",
    },
  },
  "claims.$claimId._index": {
    path: "/claims/:claimId",
    loader: { callers: "signed-in", scope: "claim", outOfScope: 404, anonymous: "sign-in", why: "getClaimDetail returns null for a claim the viewer may not see: 404." },
    action: {
      callers: "signed-in",
      scope: "own-claim",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireUser; withdrawClaim locks the claim and answers not_found (404) unless the caller is its claimant, then checks version and status.",
    },
  },
  "claims.$claimId.cover-sheet": {
    path: "/claims/:claimId/cover-sheet",
    loader: {
      callers: "signed-in",
      scope: "claim",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "The printable cover sheet (PDF): same getClaimDetail visibility as the claim page, 404 otherwise. Read-only; a draft's sheet says it must not be mailed.",
    },
  },
  "claims.$claimId.edit": {
    path: "/claims/:claimId/edit",
    loader: { callers: "signed-in", scope: "claimant", outOfScope: 404, anonymous: "sign-in", why: "Only the claimant (isClaimant), else 404; not editable any more: redirect to the claim." },
    action: {
      callers: "signed-in",
      scope: "claimant",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "Claimant and editable checked before the form is read (404 / not_editable), and again with the claim locked inside the saving transaction; discard only the claimant's own draft.",
    },
  },
  "claims.$claimId.receipts": {
    path: "/claims/:claimId/receipts",
    loader: { callers: "public", scope: "none", anonymous: "public", why: "Only redirects to the claim page, which does its own checks." },
    action: {
      callers: "signed-in",
      scope: "claimant",
      outOfScope: 404,
      anonymous: "sign-in",
      why:
        "Uploads: the claimant and an editable claim (assertReceiptsEditable) and the user's allowance, all before the body is read and again in the attaching transaction: " +
        "not the claimant 404, claim no longer editable 409, over the files-per-hour or bytes-per-day limit 429; removal matches the receipt on the claimant.",
    },
  },
  "claims.$claimId.viewer": {
    path: "/claims/:claimId/viewer",
    loader: { callers: "signed-in", scope: "claim", outOfScope: 404, anonymous: "sign-in", why: "The second-monitor viewer: same getClaimDetail visibility as the claim page." },
  },
  "claims._index": {
    path: "/claims",
    loader: { callers: "signed-in", scope: "own-claims", outOfScope: "filtered", anonymous: "sign-in", why: "listMyClaims({ viewerId }): the caller's own claims only." },
  },
  "claims.new": {
    path: "/claims/new",
    loader: {
      callers: "signed-in",
      scope: "profile",
      anonymous: "sign-in",
      why: "Anyone signed in may start a claim for themselves; the form offers only the departments of their profile (getClaimFormOptions).",
    },
    action: {
      callers: "signed-in",
      scope: "profile",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "createDraft with claimantId = the caller; a company/department pair not in the caller's profile is refused inside the transaction (checkClaimOrg).",
    },
  },
  "archive.retention._index": {
    path: "/archive/retention",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "retention",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; listAppraisal and listDestructionRequests read only the caller's companies (user_company): records due, not under legal hold.",
    },
    action: {
      callers: ARCHIVE_STAFF,
      scope: "retention",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "Propose: requireRole before the form is read; proposeDestruction locks the records and refuses another company's (not_found, shown on the page), held, destroyed, not-yet-due or already proposed ones; audited.",
    },
  },
  "archive.retention.requests.$requestId": {
    path: "/archive/retention/requests/:requestId",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "retention",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; destructionRequestDetail answers null for a request of a company outside the caller's user_company: 404.",
    },
    action: {
      callers: ARCHIVE_STAFF,
      scope: "retention",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "Approve, execute, cancel: requireRole, then the request must be the caller's company's (404 before the form is read); the model applies the two-approver rules, the executor check and legal holds under the request's lock; audited.",
    },
  },
  "archive.retention.holds": {
    path: "/archive/retention/holds",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "retention",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; listLegalHolds reads only the caller's companies.",
    },
    action: {
      callers: ["ADMIN"],
      scope: "retention",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "requireRole ADMIN before the form is read; setLegalHold finds the claim number only among the caller's companies (not_found, shown on the page); audited.",
    },
  },
  "archive.retention.register": {
    path: "/archive/retention/register",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "retention",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; listRegister reads only the caller's companies (a ?company= outside them shows nothing of it).",
    },
  },
  "archive.retention.register_.csv": {
    path: "/archive/retention/register/csv",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "retention",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; registerCsv writes only the caller's companies' rows.",
    },
  },
  "archive.retention.settings": {
    path: "/archive/retention/settings",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "retention",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; the periods of one of the caller's companies (a ?company= outside them shows the caller's first company instead).",
    },
    action: {
      callers: ["ADMIN"],
      scope: "retention",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "requireRole ADMIN before the form is read; saveRetentionSettings refuses another company (not_found, shown on the page) and any period below the law's minimum; audited.",
    },
  },
  "files.receipts.$receiptId.$": {
    path: "/files/receipts/:receiptId/*",
    loader: {
      callers: "signed-in",
      scope: "claim",
      outOfScope: 404,
      anonymous: 401,
      why: "Tiles, thumbnails and originals: findViewableReceiptFile applies claim visibility (cached a few seconds per viewer and receipt).",
    },
  },
  "archive.records._index": {
    path: "/archive/records",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "companies",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; listArchiveRecords reads only the records (and fixity failures for the banner) of the caller's companies (user_company).",
    },
    action: {
      callers: ["ADMIN"],
      scope: "none",
      anonymous: "sign-in",
      why: "Run a full fixity check now: requireRole ADMIN before the form is read; requestFullFixity queues one job through the outbox and audits the request.",
    },
  },
  "archive.records.$recordId": {
    path: "/archive/records/:recordId",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "companies",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; archiveRecordDetail answers null for a record of a company outside the caller's user_company: 404.",
    },
    action: {
      callers: ARCHIVE_STAFF,
      scope: "companies",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "Run the four checks or a fixity check of this package: requireRole, then findStaffRecord (another company's record is 404) before the form is read; each writes its report or run rows (and audit).",
    },
  },
  "archive.records.$recordId.file": {
    path: "/archive/records/:recordId/file",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "companies",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "A file of the package: requireRole, readPackageFile checks the record's company is the caller's (user_company) and the path is one of its archive_file rows (else 404); each download audited.",
    },
  },
  "ledger._index": {
    path: "/ledger",
    loader: {
      callers: LEDGER_READERS,
      scope: "companies",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ACCOUNTANT, SUPERVISOR or ADMIN; listVouchers reads only the companies in the caller's user_company (a ?company= outside them shows nothing).",
    },
  },
  "ledger.vouchers.$voucherId": {
    path: "/ledger/vouchers/:voucherId",
    loader: {
      callers: LEDGER_READERS,
      scope: "companies",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireRole ACCOUNTANT, SUPERVISOR or ADMIN; voucherDetail answers null for a voucher of a company outside the caller's user_company: 404.",
    },
    action: {
      callers: ["ADMIN"],
      scope: "companies",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "Reverse: requireRole ADMIN, then voucherDetail (another company's voucher is 404) before the form is read; reverseVoucher refuses a reversal, a voucher reversed already, and audits.",
    },
  },
  "ledger.pending": {
    path: "/ledger/pending",
    loader: {
      callers: LEDGER_READERS,
      scope: "companies",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ACCOUNTANT, SUPERVISOR or ADMIN; pendingView runs pendingPostings over the caller's companies only (user_company).",
    },
  },
  "ledger.periods": {
    path: "/ledger/periods",
    loader: {
      callers: LEDGER_READERS,
      scope: "companies",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ACCOUNTANT, SUPERVISOR or ADMIN; listPeriodsWithCounts reads only the caller's companies (user_company).",
    },
    action: {
      callers: ["ADMIN"],
      scope: "companies",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "Close: requireRole ADMIN before the form is read; closePeriod refuses another company (not_found, shown on the page), a month not over, an earlier open month and anything not yet posted; audited.",
    },
  },
  "ledger.accounts": {
    path: "/ledger/accounts",
    loader: {
      callers: LEDGER_READERS,
      scope: "companies",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ACCOUNTANT, SUPERVISOR or ADMIN; the chart and mappings of one of the caller's companies (user_company): a ?company= outside them shows the caller's first company instead.",
    },
    action: {
      callers: ["ADMIN"],
      scope: "companies",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "requireRole ADMIN before the form is read; preview and import check the company is the caller's, setMapping/removeMapping/importChartOfAccounts check it again (not_found, shown on the page); each change audited.",
    },
  },
  "ledger.exports": {
    path: "/ledger/exports",
    loader: {
      callers: LEDGER_READERS,
      scope: "companies",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole ACCOUNTANT, SUPERVISOR or ADMIN; listExports reads only the caller's companies (user_company).",
    },
    action: {
      callers: ["ACCOUNTANT", "ADMIN"],
      scope: "companies",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "ERP numbers written back: requireRole ACCOUNTANT or ADMIN before the form is read; recordErpNumbers refuses another company (not_found, shown on the page), never overwrites a number, audits.",
    },
  },
  "ledger.exports.file": {
    path: "/ledger/exports/file",
    action: {
      callers: ["ACCOUNTANT", "ADMIN"],
      scope: "companies",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "Makes and downloads an export: requireRole ACCOUNTANT or ADMIN before the form is read; exportVouchers refuses another company (404), records the export with its SHA-256 and audits.",
    },
  },
  healthz: {
    path: "/healthz",
    loader: {
      callers: "public",
      scope: "none",
      anonymous: "public",
      why: "Liveness for the load balancer and orchestrator: the process answers and is not stopping; reads no data and names nothing but the instance.",
    },
  },
  readyz: {
    path: "/readyz",
    loader: {
      callers: "public",
      scope: "none",
      anonymous: "public",
      why: "Readiness: whether Postgres and Redis answer, as up or down only (no addresses, no error text); 503 without Postgres or while stopping.",
    },
  },
  locale: {
    path: "/locale",
    loader: { callers: "public", scope: "none", anonymous: "public", why: "Only redirects to /claims." },
    action: { callers: "public", scope: "none", anonymous: "public", why: "Sets the language cookie (and the signed-in user's own locale); redirects only to a same-site path." },
  },
  login: {
    path: "/login",
    loader: { callers: "public", scope: "none", anonymous: "public", why: "The sign-in page; a signed-in caller is sent on (same-site redirect only)." },
    action: { callers: "public", scope: "none", anonymous: "public", why: "Sign-in, throttled per account and address inside the action; a new session id every time." },
  },
  logout: {
    path: "/logout",
    loader: { callers: "public", scope: "none", anonymous: "public", why: "Only redirects to /login." },
    action: { callers: "public", scope: "self", anonymous: "public", why: "Revokes the session the request's own cookie carries, if any; cross-origin POSTs are refused by server.ts." },
  },
  "pay._index": {
    path: "/pay",
    loader: {
      callers: ["ACCOUNTANT", "QA", "SUPERVISOR", "ADMIN"],
      scope: "self",
      outOfScope: 403,
      anonymous: "sign-in",
      why: "Operators see their own statement only (?operator= someone else is 403); supervisors and admins every operator's.",
    },
    action: { callers: OVERSEERS, scope: "none", anonymous: "sign-in", why: "Closing a month: supervisors and admins, checked before the form is read." },
  },
  "pay.export": {
    path: "/pay/export",
    loader: { callers: OVERSEERS, scope: "none", anonymous: "sign-in", why: "The payroll CSV of every operator." },
  },
  "pay.rates": {
    path: "/pay/rates",
    loader: { callers: OVERSEERS, scope: "none", anonymous: "sign-in", why: "Piece rates: supervisors read, admins edit." },
    action: { callers: ["ADMIN"], scope: "none", anonymous: "sign-in", why: "Only admins change rates: 403 for supervisors before the form is read." },
  },
  "qa._index": {
    path: "/qa",
    loader: { callers: ["QA", "SUPERVISOR", "ADMIN"], scope: "none", anonymous: "sign-in", why: "QA overview: a reviewer's own recent checks; supervisors and admins everyone's." },
    action: { callers: ["QA"], scope: "none", anonymous: "sign-in", why: "QA Next takes the oldest check the reviewer may do (never their own work)." },
  },
  "qa.settings": {
    path: "/qa/settings",
    loader: { callers: OVERSEERS, scope: "none", anonymous: "sign-in", why: "Sampling rates: supervisors read, admins edit." },
    action: { callers: ["ADMIN"], scope: "none", anonymous: "sign-in", why: "Only admins change sampling rates (requireRole ADMIN; saveQaSettings checks again)." },
  },
  "treasury_.bank-changes": {
    path: "/treasury/bank-changes",
    loader: {
      callers: ["TREASURY"],
      scope: "treasury",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole TREASURY; listHeldChanges shows only changes of employees of the caller's companies (user_company).",
    },
    action: {
      callers: ["TREASURY"],
      scope: "treasury",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireRole TREASURY; decideBankChange: another company's change is 404; the caller's own account or own request is refused with a form error (403).",
    },
  },
  "treasury_.payer-accounts": {
    path: "/treasury/payer-accounts",
    loader: {
      callers: ["TREASURY", "ADMIN"],
      scope: "treasury",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole TREASURY or ADMIN; listPayerAccounts shows the caller's companies only (user_company).",
    },
    action: {
      callers: ["TREASURY", "ADMIN"],
      scope: "treasury",
      outOfScope: "form-error",
      anonymous: "sign-in",
      why: "requireRole TREASURY or ADMIN; payer accounts of the caller's companies only (another company's is refused as not found); treasury settings: ADMIN only (403 for treasury before the form is read).",
    },
  },
  queue: {
    path: "/queue",
    loader: {
      callers: ["ACCOUNTANT", "SUPERVISOR", "ADMIN"],
      scope: "groups",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "queueSummary: an accountant's own groups; supervisors and admins all groups, and the overdue originals and open paper exceptions of their companies only (paperFloor over user_company).",
    },
    action: {
      callers: ["ACCOUNTANT"],
      scope: "groups",
      anonymous: "sign-in",
      why: "Next: requireRole ACCOUNTANT; takeNextTask takes only from the caller's groups, never a claim they filed or approved.",
    },
  },
  "archive_.originals.$claimId": {
    path: "/archive/originals/:claimId",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "companies",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireRole ARCHIVIST, SUPERVISOR or ADMIN; paperCheckView shows only a submitted claim of the caller's companies (user_company): any other claim is 404.",
    },
    action: {
      callers: ARCHIVE_STAFF,
      scope: "companies",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "Scan-to-paper finding (archive staff) or resolving an exception (SUPERVISOR or ADMIN only, else refused on the page): recordDiffers / resolveException check the claim's company first (404), then the claim's version and state; one transaction with its audit event.",
    },
  },
  "queue_.tasks": {
    path: "/queue/tasks",
    loader: {
      callers: OVERSEERS,
      scope: "companies",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "The floor view of open tasks per group, filtered to the claims of the viewer's companies.",
    },
    action: {
      callers: ["SUPERVISOR"],
      scope: "companies",
      anonymous: "sign-in",
      why: "Re-assignment: supervisors only (admins watch), the target must be an accountant of the task's group who neither filed nor approved the claim.",
    },
  },
  scorecards: {
    path: "/scorecards",
    loader: { callers: OVERSEERS, scope: "none", anonymous: "sign-in", why: "Every operator's quantity, quality and SLA figures." },
  },
  staffing: {
    path: "/staffing",
    loader: { callers: OVERSEERS, scope: "none", anonymous: "sign-in", why: "Group sizing from measured arrivals and handling times." },
  },
  "treasury._index": {
    path: "/treasury",
    loader: {
      callers: ["TREASURY"],
      scope: "treasury",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole TREASURY; paymentQueue and listRuns read only the companies in the caller's user_company.",
    },
    action: {
      callers: ["TREASURY"],
      scope: "treasury",
      anonymous: "sign-in",
      why: "requireRole TREASURY before the form is read; prepareRuns gathers only claims of the caller's companies and leaves out those the caller claimed, approved or reviewed.",
    },
  },
  "treasury.runs.$runId": {
    path: "/treasury/runs/:runId",
    loader: { callers: ["TREASURY"], scope: "treasury", outOfScope: 404, anonymous: "sign-in", why: "runDetail: a run of a company outside the caller's user_company is not found." },
    action: {
      callers: ["TREASURY"],
      scope: "treasury",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireRole TREASURY before the form is read; approve/release/cancel lock the run and refuse another company's (404), the preparer's approval (four eyes) and anyone involved in its claims.",
    },
  },
  "treasury.runs.$runId.file": {
    path: "/treasury/runs/:runId/file",
    loader: { callers: ["TREASURY"], scope: "treasury", outOfScope: 404, anonymous: "sign-in", why: "paymentFileFor: the approved file of a run of the caller's companies (else 404); each download is audited." },
  },
  "treasury.reconciliation": {
    path: "/treasury/reconciliation",
    loader: {
      callers: ["TREASURY"],
      scope: "treasury",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireRole TREASURY; lists only the payer accounts of the caller's companies (payerAccountsFor): ?account= of another company is 404.",
    },
    action: {
      callers: ["TREASURY"],
      scope: "treasury",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireRole TREASURY before the body is read; an upload is imported only for the caller's payer accounts (unknown_account otherwise, nothing kept); a manual match of an entry of another company's account is 404.",
    },
  },
  "work.$taskId": {
    path: "/work/:taskId",
    loader: {
      callers: ["ACCOUNTANT", "QA", "SUPERVISOR", "ADMIN"],
      scope: "task",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "getWorkstation: the assignee of a review in progress, QA on a QA task, supervisors/admins read-only; then claim visibility.",
    },
    action: {
      callers: ["ACCOUNTANT", "QA"],
      scope: "task",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "Role checked before the form is read; decideReview/recordQaCheck lock the task and refuse anyone but its assignee.",
    },
  },
  "archive._index": {
    path: "/archive",
    loader: {
      callers: "signed-in",
      scope: "archive-access",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireUser; anyone but archive staff is redirected to /archive/requests; searchArchive reads only the records of the caller's companies (user_company), a company filter naming another finds nothing.",
    },
  },
  "archive.requests._index": {
    path: "/archive/requests",
    loader: {
      callers: "signed-in",
      scope: "archive-access",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireUser; listArchiveRequests: the caller's own requests, and for archive staff those of the records and boxes of their companies.",
    },
  },
  "archive.requests.new": {
    path: "/archive/requests/new",
    loader: { callers: "signed-in", scope: "none", anonymous: "sign-in", why: "requireUser; an empty request form." },
    action: {
      callers: "signed-in",
      scope: "none",
      anonymous: "sign-in",
      why: "requireUser; anyone may ask (auditors are ordinary users): createArchiveRequest checks the claim number or box label exists and the period (today or later, at most 90 days), and audits it.",
    },
  },
  "archive.requests.$requestId": {
    path: "/archive/requests/:requestId",
    loader: {
      callers: "signed-in",
      scope: "archive-access",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireUser; getArchiveRequest shows a request to its requester and to archive staff of its record's or box's company, anyone else 404.",
    },
    action: {
      callers: ARCHIVE_STAFF,
      scope: "archive-access",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireRole archive staff before the form is read; each command locks the request and refuses staff of another company (404) and the requester themselves (own_request); one transaction with its audit event.",
    },
  },
  "archive.requests.$requestId_.view": {
    path: "/archive/requests/:requestId/view",
    loader: {
      callers: "signed-in",
      scope: "archive-access",
      outOfScope: 404,
      anonymous: "sign-in",
      why: "requireUser; openGrantedRecord: only the request's requester (anyone else 404), only an approved view on the days of its period (else 403 with the reason); writes an archive_view row for every opening.",
    },
  },
  "archive.requests.$requestId_.image": {
    path: "/archive/requests/:requestId/image",
    loader: {
      callers: "signed-in",
      scope: "archive-access",
      outOfScope: 404,
      anonymous: 401,
      why: "A session or 401 (an image cannot follow a sign-in page); readGrantedImage: the requester of an approved view in its period, a file listed in the package's archive_file rows; logged in archive_view.",
    },
  },
  "archive.stats": {
    path: "/archive/stats",
    loader: {
      callers: ARCHIVE_STAFF,
      scope: "archive-access",
      outOfScope: "filtered",
      anonymous: "sign-in",
      why: "requireRole archive staff; archiveReadingRoomStats counts only requests, views and loans of the caller's companies (user_company).",
    },
  },
} as const satisfies Record<string, RouteEntry>;

export type RouteKey = keyof typeof ROUTE_MANIFEST;

/** Routes Express serves itself, outside Remix (server.ts). Same shape; `action` = any non-GET method. */
export const EXPRESS_ROUTES = {
  "/admin/queues": {
    path: "/admin/queues/*",
    loader: { callers: OVERSEERS, scope: "none", anonymous: "sign-in", why: "bull-board, behind requireQueueBoardAccess: admins and supervisors only." },
    action: { callers: OVERSEERS, scope: "none", anonymous: "sign-in", why: "Retry, clean or pause jobs: the same check, after the cross-origin refusal." },
  },
} as const satisfies Record<string, RouteEntry>;

export type Method = "loader" | "action";

/** May a caller with exactly these roles (none = signed out) pass the role check? */
export function callerAllowed(callers: Callers, roles: readonly Role[] | null): boolean {
  if (callers === "public") return true;
  if (roles === null) return false;
  if (callers === "signed-in") return true;
  return roles.some((r) => callers.includes(r));
}
