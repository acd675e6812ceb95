/**
 * Drives a simulated SSC day against the running app's database, only through the app's own model
 * functions — the very ones its routes call: employees file claims (createDraft → receipts through
 * receiveUploads/attachReceipts, as the upload route does → saveClaim with submit), managers decide
 * approvals (decideApproval), bot accountants press Next (takeNextTask), open the workstation
 * (getWorkstation) and decide (decideReview), employees fix and resubmit returned claims (saveClaim),
 * QA bots press QA Next (takeNextQaTask), open the workstation and record the check (recordQaCheck).
 * A bot accountant's mistakes are only remembered here, in memory (keyed by review task id), so that
 * its QA colleague can record them: nothing the app would not write is written.
 * Routing and imaging happen in the app's workers, through the outbox, as for real users.
 */
import { DateTime } from "luxon";
import { isAppError } from "~/domain/app-error";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import type { ClaimInput } from "~/domain/claim-input";
import type { Role } from "~/generated/prisma/enums";
import { decideApproval, listApprovals } from "~/models/approval.server";
import { attachReceipts, createDraft, saveClaim } from "~/models/claim-commands.server";
import { getClaimDetail } from "~/models/claim.server";
import { recordQaCheck, takeNextQaTask } from "~/models/qa-checks.server";
import { decideReview, getWorkstation } from "~/models/review.server";
import { queueSummary, takeNextTask } from "~/models/work-queue.server";
import { prisma } from "~/utils/db.server";
import { receiveUploads } from "~/utils/upload.server";
import { categoryFor, randomReceiptSpec, renderReceiptJpeg } from "../../fixtures/receipts";
import {
  DEFAULT_RATES,
  EventQueue,
  SimClock,
  fixDelayMinutes,
  handlingMinutes,
  managerDecision,
  managerDelayMinutes,
  nextArrival,
  pick,
  qaHandlingMinutes,
  qaVerdict,
  reviewDecision,
  reviewError,
  seededRng,
  type BotError,
  type Rates,
  type Rng,
  type SimOptions,
} from "./model";

type Actor = { id: string; roles: Role[]; email: string };
type Employee = Actor & { companyId: string; departmentId: string; currency: string; english: boolean };

export type SimStats = {
  submitted: number;
  managerApproved: number;
  managerReturned: number;
  routed: number;
  taken: number;
  decided: number;
  reviewApproved: number;
  reviewReturned: number;
  reviewRejected: number;
  resubmitted: number;
  /** Returned claims a bot could not resubmit as they stand (left for a person). */
  unfixable: number;
  receipts: number;
  /** Review decisions the bot accountants got wrong (remembered for QA). */
  reviewErrors: number;
  /** QA tasks taken with QA Next, checks recorded, errors recorded, bot errors recorded as a pass. */
  qaTaken: number;
  qaChecked: number;
  qaErrorsFound: number;
  qaMissed: number;
  /** QA tasks a bot was not allowed to check (segregation): left for another reviewer. */
  qaSkipped: number;
  /** Actions that failed (a bug or the app refusing something the bots should not have tried). */
  errors: number;
};

export type SimRunOptions = SimOptions & {
  rates?: Rates;
  /** Only people of this company take part (tests); default everyone. */
  companyId?: string;
  /** Rendered receipt width; smaller is faster (tests). */
  receiptWidthPx?: number;
  /** Where each hourly line and notices go. */
  log?: (line: string) => void;
  /** Aborting stops scheduling, lets running transactions finish, and resolves with the totals. */
  signal?: AbortSignal;
  /** The simulated day's date (YYYY-MM-DD, local to the calendar zone); default today. */
  date?: string;
  timeZone?: string;
};

const MINUTE = 60_000;
const pct = (share: number) => `${Number((share * 100).toFixed(2))}%`;
const NEXT_RETRY_MINUTES = 3;
const MANAGER_SWEEP_MINUTES = 5;
/** Simulated time stands still while this many actions are running or waiting for a turn. */
const MAX_BACKLOG = 8;
const BOT_DAY = { start: 9, lunchStart: 12, lunchEnd: 13, end: 18 };
// Purposes people type, by the company's language.
const PURPOSES_ZH = ["赴深圳拜访客户", "参加北京行业峰会", "上海项目现场支持", "招待重要客户晚宴", "部门办公用品采购", "成都基站建设验收", "员工手机话费", "广州分公司工作交流"];
const PURPOSES_EN = ["Customer visit, Shenzhen", "Client dinner", "Regional review, Singapore", "Office supplies for the team", "Partner lunch", "Industry summit, Beijing"];
const KINDS = ["till", "taxi", "hotel", "invoice", "taxi", "till"] as const;

type Event =
  | { kind: "arrival" }
  | { kind: "managerSweep" }
  | { kind: "approve"; manager: Actor; taskId: string; claimVersion: number }
  | { kind: "next"; accountant: Actor }
  | { kind: "decide"; accountant: Actor; taskId: string }
  | { kind: "fix"; claimId: string; claimantId: string }
  | { kind: "qaNext"; reviewer: Actor }
  | { kind: "qaCheck"; reviewer: Actor; taskId: string; attempt: number }
  | { kind: "hour" };

/** Bots work 09:00–12:00 and 13:00–18:00 simulated local time. */
function botsAtWork(hourOfDay: number): boolean {
  const h = ((hourOfDay % 24) + 24) % 24;
  return h >= BOT_DAY.start && h < BOT_DAY.end && !(h >= BOT_DAY.lunchStart && h < BOT_DAY.lunchEnd);
}

/** The next simulated hour-of-day (≥ h) at which bots are at work. */
function nextWorkingHour(h: number): number {
  const day = Math.floor(h / 24) * 24;
  const local = h - day;
  if (local < BOT_DAY.start) return day + BOT_DAY.start;
  if (local >= BOT_DAY.lunchStart && local < BOT_DAY.lunchEnd) return day + BOT_DAY.lunchEnd;
  if (local >= BOT_DAY.end) return day + 24 + BOT_DAY.start;
  return h;
}

async function loadPeople(opts: SimRunOptions) {
  const scope = opts.companyId ? { companyId: opts.companyId } : {};
  const users = await prisma.user.findMany({
    where: { active: true, ...scope },
    select: { id: true, email: true, roles: true, companyId: true, departmentId: true, managerId: true, company: { select: { currency: true, code: true } }, groupMembers: { select: { groupId: true } } },
    orderBy: { email: "asc" },
  });
  const staffRoles: Role[] = ["ACCOUNTANT", "QA", "SUPERVISOR", "ADMIN", "ARCHIVIST"];
  // The demo's own employee logins keep their curated claim lists.
  const employees: Employee[] = users
    .filter((u) => u.managerId && !u.roles.some((r) => staffRoles.includes(r)) && !/^employee\d*@demo\.af$/.test(u.email))
    .map((u) => ({ id: u.id, roles: u.roles, email: u.email, companyId: u.companyId, departmentId: u.departmentId, currency: u.company.currency, english: u.company.code === "HK" || u.company.currency !== "CNY" }));
  const managers: Actor[] = users.filter((u) => u.roles.includes("MANAGER")).map((u) => ({ id: u.id, roles: u.roles, email: u.email }));
  let accountants = users.filter((u) => u.roles.includes("ACCOUNTANT") && u.groupMembers.length > 0);
  if (Array.isArray(opts.accountants)) {
    const wanted = new Set(opts.accountants.map((e) => e.toLowerCase()));
    const found = accountants.filter((a) => wanted.has(a.email.toLowerCase()));
    const missing = [...wanted].filter((e) => !found.some((a) => a.email.toLowerCase() === e));
    if (missing.length > 0) throw new RangeError(`--accountants: no active accountant in a processing group with e-mail ${missing.join(", ")}`);
    accountants = found;
  } else if (typeof opts.accountants === "number") {
    // Spread over the groups: one from each group in turn.
    const byGroup = new Map<string, typeof accountants>();
    for (const a of accountants) {
      const g = a.groupMembers[0]!.groupId;
      byGroup.set(g, [...(byGroup.get(g) ?? []), a]);
    }
    const lists = [...byGroup.values()];
    const chosen: typeof accountants = [];
    for (let i = 0; chosen.length < Math.min(opts.accountants, accountants.length); i++) {
      for (const list of lists) if (list[i] && chosen.length < opts.accountants) chosen.push(list[i]!);
    }
    accountants = chosen;
  }
  let qaReviewers = users.filter((u) => u.roles.includes("QA"));
  if (Array.isArray(opts.qa)) {
    const wanted = new Set(opts.qa.map((e) => e.toLowerCase()));
    const found = qaReviewers.filter((q) => wanted.has(q.email.toLowerCase()));
    const missing = [...wanted].filter((e) => !found.some((q) => q.email.toLowerCase() === e));
    if (missing.length > 0) throw new RangeError(`--qa: no active QA reviewer with e-mail ${missing.join(", ")}`);
    qaReviewers = found;
  } else if (typeof opts.qa === "number") {
    qaReviewers = qaReviewers.slice(0, opts.qa);
  }
  const reasons = (await prisma.returnReason.findMany({ where: { active: true }, select: { code: true }, orderBy: { sortOrder: "asc" } })).map((r) => r.code);
  const actor = (u: { id: string; roles: Role[]; email: string }): Actor => ({ id: u.id, roles: u.roles, email: u.email });
  return { employees, managers, accountants: accountants.map(actor), qaReviewers: qaReviewers.map(actor), reasons };
}

/**
 * At most `n` actions at a time (receipt rendering is CPU-bound; the app runs on the same machine).
 * Once `cancelled()` is true, actions still waiting for a turn are dropped, not started.
 */
function limiter(n: number, cancelled: () => boolean) {
  let active = 0;
  const waiting: (() => void)[] = [];
  // A finishing action hands its turn straight to the next in line, so no newcomer slips in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  return async (fn: () => Promise<void>): Promise<void> => {
    if (active < n) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      if (!cancelled()) await fn();
    } finally {
      release();
    }
  };
}

export async function runSimulation(opts: SimRunOptions): Promise<SimStats> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const rates = opts.rates ?? DEFAULT_RATES;
  const zone = opts.timeZone ?? SSC_TIME_ZONE;
  const rng: Rng = seededRng(opts.seed);
  const people = await loadPeople(opts);
  if (people.employees.length === 0) throw new Error("no employees with a manager to file claims: seed the demo first (npm run db:seed)");
  if (people.accountants.length === 0) log("[simulate] no bot accountants: claims will queue up for people to take");
  if (people.reasons.length === 0) log("[simulate] no active return reasons: bot accountants will not return claims");

  const day = opts.date ? DateTime.fromISO(opts.date, { zone }) : DateTime.now().setZone(zone).startOf("day");
  if (!day.isValid) throw new RangeError(`invalid date ${opts.date}`);
  const simStartMs = day.plus({ minutes: Math.round(opts.startHour * 60) }).toMillis();
  const simEndMs = simStartMs + opts.hours * 3_600_000;
  const clock = new SimClock(simStartMs, opts.speed, Date.now());
  const hourOf = (simMs: number) => (simMs - day.toMillis()) / 3_600_000;
  const simAtHour = (h: number) => day.toMillis() + h * 3_600_000;
  const label = (simMs: number) => DateTime.fromMillis(simMs, { zone }).toFormat("HH:mm");

  const stats: SimStats = {
    submitted: 0,
    managerApproved: 0,
    managerReturned: 0,
    routed: 0,
    taken: 0,
    decided: 0,
    reviewApproved: 0,
    reviewReturned: 0,
    reviewRejected: 0,
    resubmitted: 0,
    unfixable: 0,
    receipts: 0,
    reviewErrors: 0,
    qaTaken: 0,
    qaChecked: 0,
    qaErrorsFound: 0,
    qaMissed: 0,
    qaSkipped: 0,
    errors: 0,
  };
  // Which of the bot accountants' decisions were wrong, by review task id: the simulator's memory only.
  const botErrors = new Map<string, BotError>();
  // QA tasks a QA bot may not check (segregation), per bot: they stay in its hands for a supervisor.
  const qaBlocked = new Set<string>();
  let hourly = { ...stats };
  const queue = new EventQueue<Event>();
  const inFlight = new Set<Promise<void>>();
  const scheduledApprovals = new Set<string>();
  const stopped = () => opts.signal?.aborted === true;
  const render = limiter(2, stopped);
  // The Prisma pool holds 10 connections and one workstation read uses several: a few actions at a time.
  const db = limiter(4, stopped);
  const realStart = new Date();
  let lastRoutedCheck = realStart;
  let heldMs = 0;

  const fail = (what: string, err: unknown) => {
    stats.errors += 1;
    log(`[simulate] ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  };

  // ── what each person does ──

  async function fileClaim(simMs: number): Promise<void> {
    const employee = pick(rng, people.employees);
    const english = employee.english;
    const purpose = pick(rng, english ? PURPOSES_EN : PURPOSES_ZH);
    const lineCount = 1 + Math.floor(rng() * rng() * 3);
    const today = DateTime.fromMillis(Date.now(), { zone });
    const specs = Array.from({ length: lineCount }, () => {
      const spentOn = today.minus({ days: 1 + Math.floor(rng() * 8) }).toISODate()!;
      return { spec: randomReceiptSpec(seededRng(Math.floor(rng() * 2 ** 31)), { lang: english ? "en" : "zh", currency: employee.currency, date: spentOn, kind: pick(rng, KINDS) }), seed: Math.floor(rng() * 2 ** 31) };
    });
    // The photos are taken first; then the draft, and the receipts go through the upload path the claim
    // page uses: a multipart form, its files sniffed, checked and stored.
    const form = new FormData();
    for (const [i, s] of specs.entries()) {
      await render(async () => {
        const jpeg = await renderReceiptJpeg(s.spec, { seed: s.seed, widthPx: opts.receiptWidthPx ?? 900 });
        form.append("receipts", new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }), `IMG_${label(simMs).replace(":", "")}_${i + 1}.jpg`);
      });
    }
    if (stopped() || form.getAll("receipts").length !== specs.length) return;
    await db(() => submitClaim(employee, purpose, specs, form));
  }

  async function submitClaim(employee: Employee, purpose: string, specs: { spec: ReturnType<typeof randomReceiptSpec> }[], form: FormData): Promise<void> {
    const viewer = { id: employee.id, roles: employee.roles };
    const draft = await createDraft({ viewer, purpose, companyId: employee.companyId, departmentId: employee.departmentId });
    const received = await receiveUploads(new Request("http://simulate.local/upload", { method: "POST", body: form }));
    if (received.rejected.length > 0) throw new Error(`receipts refused: ${received.rejected.map((r) => r.code).join(", ")}`);
    const receipts = await attachReceipts({ viewer, claimId: draft.id, uploads: received.accepted });
    stats.receipts += receipts.length;
    const input: ClaimInput = {
      purpose,
      companyId: employee.companyId,
      departmentId: employee.departmentId,
      lines: specs.map((s, i) => ({
        spentOn: s.spec.date,
        categoryCode: categoryFor(s.spec),
        merchant: s.spec.merchant,
        amountMinor: BigInt(s.spec.totalMinor),
        currency: s.spec.currency,
        note: "",
        receiptIds: [receipts[i]!.id],
      })),
    };
    await saveClaim({ viewer, claimId: draft.id, version: 1, input, submit: true });
    stats.submitted += 1;
  }

  async function sweepApprovals(simMs: number): Promise<void> {
    const waiting = await prisma.task.findMany({
      where: { type: "MANAGER_APPROVAL", status: "OPEN", assigneeId: { in: people.managers.map((m) => m.id) } },
      distinct: ["assigneeId"],
      select: { assigneeId: true },
    });
    for (const { assigneeId } of waiting) {
      const manager = people.managers.find((m) => m.id === assigneeId)!;
      for (const item of await listApprovals(manager)) {
        if (scheduledApprovals.has(item.taskId)) continue;
        scheduledApprovals.add(item.taskId);
        queue.push(simMs + managerDelayMinutes(rng) * MINUTE, { kind: "approve", manager, taskId: item.taskId, claimVersion: item.claimVersion });
      }
    }
  }

  async function approve(e: Extract<Event, { kind: "approve" }>, simMs: number): Promise<void> {
    const choice = managerDecision(rng, rates);
    try {
      const result = await decideApproval({ viewer: e.manager, taskId: e.taskId, claimVersion: e.claimVersion, ...choice });
      if (result.status === "MANAGER_APPROVED") stats.managerApproved += 1;
      if (result.status === "RETURNED") {
        stats.managerReturned += 1;
        await scheduleFix(e.taskId, simMs);
      }
    } catch (err) {
      // Someone (a person in the demo, or a delegate) got there first: nothing to do.
      if (isAppError(err, "stale", "already_decided", "not_allowed")) return;
      throw err;
    } finally {
      scheduledApprovals.delete(e.taskId);
    }
  }

  async function scheduleFix(taskId: string, simMs: number): Promise<void> {
    if (rng() >= rates.fixRate) return;
    const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { claimId: true, claim: { select: { claimantId: true } } } });
    queue.push(simMs + fixDelayMinutes(rng) * MINUTE, { kind: "fix", claimId: task.claimId, claimantId: task.claim.claimantId });
  }

  async function next(accountant: Actor, simMs: number): Promise<void> {
    const h = hourOf(simMs);
    if (!botsAtWork(h)) {
      queue.push(simAtHour(nextWorkingHour(h)) + rng() * 10 * MINUTE, { kind: "next", accountant });
      return;
    }
    let taken: { taskId: string } | null = null;
    try {
      taken = await takeNextTask({ accountant });
    } catch (err) {
      if (!isAppError(err, "stale")) throw err;
    }
    if (!taken) {
      queue.push(simMs + (NEXT_RETRY_MINUTES + rng() * 2) * MINUTE, { kind: "next", accountant });
      return;
    }
    stats.taken += 1;
    await startHandling(accountant, taken.taskId, simMs);
  }

  async function startHandling(accountant: Actor, taskId: string, simMs: number): Promise<void> {
    const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId }, select: { complexity: true } });
    queue.push(simMs + handlingMinutes(rng, task.complexity) * MINUTE, { kind: "decide", accountant, taskId });
  }

  async function decide(accountant: Actor, taskId: string, simMs: number): Promise<void> {
    // What the workstation shows: the claim at its current version and the checks beside each line.
    const ws = await getWorkstation({ taskId, viewer: accountant });
    if (!ws || !ws.canDecide) {
      queue.push(simMs, { kind: "next", accountant });
      return;
    }
    const errorFindings = ws.findings.filter((f) => f.severity === "error").length;
    const facts = { findingCodes: ws.findings.filter((f) => f.severity !== "info").map((f) => f.code), errorFindings };
    const choice = reviewDecision(rng, facts, people.reasons, rates);
    try {
      await decideReview({ viewer: accountant, taskId, claimVersion: ws.claim.version, ...choice });
      stats.decided += 1;
      const mistake = reviewError(rng, choice.decision, facts, opts.errorRate);
      if (mistake) {
        botErrors.set(taskId, mistake);
        stats.reviewErrors += 1;
      }
      if (choice.decision === "approve") stats.reviewApproved += 1;
      if (choice.decision === "reject") stats.reviewRejected += 1;
      if (choice.decision === "return") {
        stats.reviewReturned += 1;
        await scheduleFix(taskId, simMs);
      }
    } catch (err) {
      if (!isAppError(err, "stale", "already_decided", "not_assignee")) throw err;
    }
    // Straight on to the next one, after a breath.
    queue.push(simMs + rng() * 0.5 * MINUTE, { kind: "next", accountant });
  }

  async function qaNext(reviewer: Actor, simMs: number): Promise<void> {
    const h = hourOf(simMs);
    if (!botsAtWork(h)) {
      queue.push(simAtHour(nextWorkingHour(h)) + rng() * 10 * MINUTE, { kind: "qaNext", reviewer });
      return;
    }
    // QA Next gives back a check already in progress first, else the oldest one this reviewer may do.
    const taken = await takeNextQaTask({ reviewer });
    if (!taken) {
      queue.push(simMs + (NEXT_RETRY_MINUTES + rng() * 2) * MINUTE, { kind: "qaNext", reviewer });
      return;
    }
    if (qaBlocked.has(`${reviewer.id}:${taken.taskId}`)) {
      // The app has no way to hand a QA task back; Next keeps offering it, so this bot stops here.
      log(`[simulate] QA bot ${reviewer.email} holds a check it may not record (${taken.taskId}): left for a supervisor, the bot stops`);
      return;
    }
    stats.qaTaken += 1;
    const task = await prisma.task.findUniqueOrThrow({ where: { id: taken.taskId }, select: { complexity: true } });
    queue.push(simMs + qaHandlingMinutes(rng, task.complexity) * MINUTE, { kind: "qaCheck", reviewer, taskId: taken.taskId, attempt: 1 });
  }

  async function qaCheck(e: Extract<Event, { kind: "qaCheck" }>, simMs: number): Promise<void> {
    const { reviewer, taskId } = e;
    // What the QA reviewer sees: the claim at its current version and the decision under check.
    const ws = await getWorkstation({ taskId, viewer: reviewer });
    if (!ws?.qa?.canRecord) {
      queue.push(simMs, { kind: "qaNext", reviewer });
      return;
    }
    const check = await prisma.qaCheck.findUniqueOrThrow({ where: { qaTaskId: taskId }, select: { reviewTaskId: true } });
    const mistake = botErrors.get(check.reviewTaskId);
    const verdict = qaVerdict(rng, mistake, opts.qaMissRate);
    try {
      await recordQaCheck({ reviewer, qaTaskId: taskId, claimVersion: ws.claim.version, input: verdict });
      botErrors.delete(check.reviewTaskId);
      stats.qaChecked += 1;
      if (verdict.outcome === "error") stats.qaErrorsFound += 1;
      else if (mistake) stats.qaMissed += 1;
    } catch (err) {
      if (!isAppError(err)) throw err;
      if (err.code === "stale" && e.attempt < 3) {
        // The claim changed while it was open: look at it again.
        queue.push(simMs + MINUTE, { ...e, attempt: e.attempt + 1 });
        return;
      }
      if (err.code === "not_allowed") {
        qaBlocked.add(`${reviewer.id}:${taskId}`);
        stats.qaSkipped += 1;
      } else if (!["stale", "cancelled", "already_recorded", "not_assignee", "not_found"].includes(err.code)) {
        throw err;
      }
    }
    queue.push(simMs + rng() * 0.5 * MINUTE, { kind: "qaNext", reviewer });
  }

  async function fix(claimId: string, claimantId: string): Promise<void> {
    const claimant = await prisma.user.findUniqueOrThrow({ where: { id: claimantId }, select: { id: true, roles: true } });
    const detail = await getClaimDetail({ claimId, viewer: claimant });
    if (!detail || detail.status !== "RETURNED" || !detail.canEdit) return;
    const input: ClaimInput = {
      purpose: detail.purpose,
      companyId: detail.company.id,
      departmentId: detail.department.id,
      lines: detail.lines.map((l, i) => ({
        id: l.id,
        spentOn: l.spentOn,
        categoryCode: l.categoryCode,
        merchant: l.merchant,
        amountMinor: BigInt(l.amount.minor),
        currency: l.amount.currency,
        note: i === 0 ? (detail.company.currency === "CNY" ? "已按要求补充说明" : "Details added as asked") : l.note,
        receiptIds: l.receiptIds,
      })),
    };
    try {
      await saveClaim({ viewer: claimant, claimId, version: detail.version, input, submit: true });
      stats.resubmitted += 1;
    } catch (err) {
      if (isAppError(err, "stale", "not_editable")) return;
      // A claim the bot cannot put right by itself (e.g. a line without its receipt) waits for a person.
      if (isAppError(err, "invalid")) {
        stats.unfixable += 1;
        return;
      }
      throw err;
    }
  }

  async function hourLine(simMs: number): Promise<void> {
    const now = new Date();
    stats.routed += await prisma.auditEvent.count({ where: { type: "claim.routed", at: { gte: lastRoutedCheck, lt: now } } });
    lastRoutedCheck = now;
    const [open, inProgress] = await Promise.all([
      prisma.task.count({ where: { type: "REVIEW", status: "OPEN" } }),
      prisma.task.count({ where: { type: "REVIEW", status: "IN_PROGRESS" } }),
    ]);
    const d = (k: keyof SimStats) => stats[k] - hourly[k];
    const qa = people.qaReviewers.length > 0 ? ` · QA checked ${d("qaChecked")} (errors found ${d("qaErrorsFound")}, missed ${d("qaMissed")})` : "";
    const held = heldMs >= 500 ? ` · clock held ${Math.round(heldMs / 1000)} s for the app to catch up` : "";
    heldMs = 0;
    log(
      `[simulate ${label(simMs)}] submitted ${d("submitted")} · manager-approved ${d("managerApproved")} (returned ${d("managerReturned")}) · routed ${d("routed")} · taken ${d("taken")} · decided ${d("decided")} (approved ${d("reviewApproved")}, returned ${d("reviewReturned")}, rejected ${d("reviewRejected")}) · review errors made ${d("reviewErrors")}${qa} · resubmitted ${d("resubmitted")} · backlog ${open} waiting, ${inProgress} in review${stats.errors ? ` · failed actions ${stats.errors}` : ""}${held}`,
    );
    hourly = { ...stats };
  }

  // ── the first events ──

  queue.push(simAtHour(nextArrival(rng, opts.startHour, opts.arrivalsPerHour)), { kind: "arrival" });
  queue.push(simStartMs, { kind: "managerSweep" });
  for (const accountant of people.accountants) {
    // Reviews a bot left open last time are finished first, as a person back at the desk would.
    const { myTasks } = await queueSummary({ userId: accountant.id });
    for (const t of myTasks) await startHandling(accountant, t.taskId, simStartMs);
    if (myTasks.length === 0) queue.push(simStartMs + rng() * 5 * MINUTE, { kind: "next", accountant });
  }
  // A QA bot's check left in progress last time comes back first from its QA Next.
  for (const reviewer of people.qaReviewers) queue.push(simStartMs + rng() * 5 * MINUTE, { kind: "qaNext", reviewer });
  for (let h = Math.ceil(opts.startHour + 1e-9); simAtHour(h) <= simEndMs; h++) queue.push(simAtHour(h), { kind: "hour" });
  log(
    `[simulate] ${label(simStartMs)}–${label(simEndMs)} simulated at ${opts.speed}× (${Math.round((opts.hours * 3600) / opts.speed)} s real): ${people.employees.length} employees, ${people.managers.length} managers, ${people.accountants.length} bot accountants (error rate ${pct(opts.errorRate)}), ${people.qaReviewers.length} QA bots (miss rate ${pct(opts.qaMissRate)}), ${opts.arrivalsPerHour} claims per working hour, seed ${opts.seed}`,
  );

  const run = (e: Event, simMs: number): Promise<void> => {
    switch (e.kind) {
      case "arrival":
        queue.push(simAtHour(nextArrival(rng, hourOf(simMs), opts.arrivalsPerHour)), { kind: "arrival" });
        return fileClaim(simMs);
      case "managerSweep":
        queue.push(simMs + MANAGER_SWEEP_MINUTES * MINUTE, { kind: "managerSweep" });
        // Managers look at their approvals from 08:00 to 22:00 (phones in the evening).
        return hourOf(simMs) % 24 >= 8 && hourOf(simMs) % 24 < 22 ? db(() => sweepApprovals(simMs)) : Promise.resolve();
      case "approve":
        return db(() => approve(e, simMs));
      case "next":
        return db(() => next(e.accountant, simMs));
      case "decide":
        return db(() => decide(e.accountant, e.taskId, simMs));
      case "fix":
        return db(() => fix(e.claimId, e.claimantId));
      case "qaNext":
        return db(() => qaNext(e.reviewer, simMs));
      case "qaCheck":
        return db(() => qaCheck(e, simMs));
      case "hour":
        return hourLine(simMs);
    }
  };

  // ── the loop: sleep until the next event is due in real time, run it without waiting for it ──

  let wake: (() => void) | null = null;
  const onAbort = () => wake?.();
  opts.signal?.addEventListener("abort", onAbort);
  try {
    while (!stopped()) {
      // On a busy machine the app falls behind the bots: hold the simulated clock until it catches up,
      // rather than pile up work the simulated day never sees done.
      if (inFlight.size >= MAX_BACKLOG) {
        const t0 = Date.now();
        await Promise.race([...inFlight]);
        clock.hold(Date.now() - t0);
        heldMs += Date.now() - t0;
        continue;
      }
      const at = queue.peekTime();
      if (at === undefined || at > simEndMs) break;
      const delay = clock.realAt(at) - Date.now();
      if (delay > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(delay, 1000));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
        continue;
      }
      const { item } = queue.pop()!;
      const promise = run(item, at).catch((err: unknown) => fail(item.kind, err));
      const tracked = promise.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    if (inFlight.size > 0) log(`[simulate] finishing ${inFlight.size} action(s) in progress…`);
    await Promise.allSettled([...inFlight]);
  }
  stats.routed += await prisma.auditEvent.count({ where: { type: "claim.routed", at: { gte: lastRoutedCheck } } });
  log(
    `[simulate] ${stopped() ? "stopped" : "done"}: ${stats.submitted} claims submitted (${stats.receipts} receipts), ${stats.managerApproved} manager-approved, ${stats.routed} routed, ${stats.taken} taken, ${stats.decided} decided (${stats.reviewApproved} approved, ${stats.reviewReturned} returned, ${stats.reviewRejected} rejected), ${stats.reviewErrors} review errors made, ${stats.qaChecked} QA checked (${stats.qaErrorsFound} errors found, ${stats.qaMissed} missed${stats.qaSkipped ? `, ${stats.qaSkipped} not allowed` : ""}), ${stats.resubmitted} resubmitted${stats.unfixable ? ` (${stats.unfixable} left for a person)` : ""}, ${stats.errors} failed actions`,
  );
  return stats;
}
