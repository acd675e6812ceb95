/**
 * The demo's claims as a deterministic plan: the same seed gives the same claims, lines and receipt
 * specs every time, so the data phase (rows) and the receipts phase (images) can run apart and agree.
 */
import { createHash } from "node:crypto";
import type { ClaimStatus } from "~/domain/claim-machine";
import { mulberry32 } from "~/domain/seeded-random";
import { categoryFor, randomReceiptSpec, type ReceiptArtSpec, type ReceiptKind } from "../../fixtures/receipts";

export type PlanUser = { id: string; companyId: string; currency: string; hongKong: boolean; managerId: string | null };

export type ReceiptPlan = { key: string; specs: ReceiptArtSpec[]; format: "jpeg" | "png" | "pdf"; fileName: string; seed: number };

export type LinePlan = {
  id: string;
  spentOn: string;
  categoryCode: string;
  merchant: string;
  amountMinor: bigint;
  currency: string;
  note: string;
  /** Keys into the claim's receipts. */
  receiptKeys: string[];
};

export type ClaimPlan = {
  id: string;
  index: number;
  claimantId: string;
  status: ClaimStatus;
  purpose: string;
  createdAt: Date;
  lines: LinePlan[];
  receipts: ReceiptPlan[];
  /** Present when the claim was sent back: who and why. */
  returnComment?: string;
};

/** A stable UUID-shaped id from a name, so re-seeding produces the same rows. */
export function stableId(...parts: (string | number)[]): string {
  const h = createHash("sha256").update(parts.join(":")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const STATUS_MIX: [ClaimStatus, number][] = [
  ["DRAFT", 40],
  ["SUBMITTED", 60],
  ["MANAGER_APPROVED", 55],
  ["IN_REVIEW", 35],
  ["APPROVED", 50],
  ["SCHEDULED", 40],
  ["PAID", 175],
  ["RETURNED", 30],
  ["REJECTED", 15],
];

/** How old a claim in each state typically is, in days (min, max). */
const AGE_DAYS: Record<ClaimStatus, [number, number]> = {
  DRAFT: [0, 6],
  SUBMITTED: [0, 3],
  MANAGER_APPROVED: [0, 2],
  IN_REVIEW: [0, 2],
  APPROVED: [1, 5],
  SCHEDULED: [2, 8],
  PAID: [6, 88],
  RETURNED: [1, 10],
  REJECTED: [3, 60],
  PAYMENT_FAILED: [3, 10],
  WITHDRAWN: [1, 10],
};

type Theme = { purposeZh: string[]; purposeEn: string[]; kinds: ReceiptKind[] };
const THEMES: Theme[] = [
  {
    purposeZh: ["赴深圳拜访客户", "参加北京行业峰会", "上海项目现场支持", "广州分公司工作交流", "成都基站建设验收"],
    purposeEn: ["Customer visit, Shenzhen", "Industry summit, Beijing", "On-site project support, Shanghai", "Regional review, Singapore"],
    kinds: ["invoice", "hotel", "taxi", "taxi", "till"],
  },
  {
    purposeZh: ["招待重要客户晚宴", "季度客户答谢会", "合作伙伴商务午餐"],
    purposeEn: ["Client dinner", "Partner lunch", "Quarterly customer appreciation"],
    kinds: ["till", "till", "invoice"],
  },
  {
    purposeZh: ["部门办公用品采购", "项目组电脑配件", "员工手机话费"],
    purposeEn: ["Office supplies for the team", "Laptop accessories", "Mobile phone bill"],
    kinds: ["invoice", "till"],
  },
];

const RETURN_COMMENTS = [
  "请补充发票原件照片，当前图片模糊。",
  "住宿费超出标准，请说明原因。",
  "业务招待需注明招待对象和人数。",
  "Please attach the itemised receipt, not the card slip.",
  "发票抬头与公司名称不一致，请更换。",
];

function pickWeighted<T>(rng: () => number, items: [T, number][]): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let r = rng() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Plans `count` claims. `demoClaimant` gets the first ten (one or two per state) so the demo
 * employee's list shows every state.
 */
export function planClaims({
  employees,
  demoClaimant,
  count,
  now,
  seed = 2026,
}: {
  employees: PlanUser[];
  demoClaimant: PlanUser;
  count: number;
  now: Date;
  seed?: number;
}): ClaimPlan[] {
  const rng = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const demoStatuses: ClaimStatus[] = ["DRAFT", "SUBMITTED", "MANAGER_APPROVED", "IN_REVIEW", "APPROVED", "SCHEDULED", "PAID", "PAID", "RETURNED", "REJECTED"];
  const plans: ClaimPlan[] = [];
  for (let index = 0; index < count; index++) {
    const claimant = index < demoStatuses.length ? demoClaimant : pick(employees);
    const status = index < demoStatuses.length ? demoStatuses[index]! : pickWeighted(rng, STATUS_MIX);
    const [minAge, maxAge] = AGE_DAYS[status];
    const ageMs = (minAge + rng() * (maxAge - minAge)) * 86_400_000;
    const createdAt = new Date(now.getTime() - ageMs - 3_600_000);
    const theme = pick(THEMES);
    const english = claimant.hongKong || rng() < 0.12;
    const purpose = english ? pick(theme.purposeEn) : pick(theme.purposeZh);
    const claimId = stableId("claim", seed, index);
    const lineCount = 1 + Math.floor(rng() * rng() * 4);
    const lines: LinePlan[] = [];
    const receipts: ReceiptPlan[] = [];
    const foreign = english && !claimant.hongKong && rng() < 0.6 ? pick(["USD", "EUR", "JPY", "SGD"]) : undefined;
    for (let li = 0; li < lineCount; li++) {
      const lineSeed = Math.floor(rng() * 2 ** 31);
      const spentOn = isoDay(new Date(createdAt.getTime() - Math.floor(rng() * 6) * 86_400_000));
      const currency = foreign ?? claimant.currency;
      const kind = pick(theme.kinds);
      const spec = randomReceiptSpec(mulberry32(lineSeed), { lang: english ? "en" : "zh", currency, date: spentOn, kind });
      const key = `r${li}`;
      const pdf = kind === "invoice" && rng() < 0.5;
      const receipt: ReceiptPlan = {
        key,
        specs: pdf ? [spec, { ...spec, kind: "till" }] : [spec],
        format: pdf ? "pdf" : rng() < 0.15 ? "png" : "jpeg",
        fileName: "",
        seed: lineSeed,
      };
      receipt.fileName = pdf ? `e-invoice-${spec.invoiceNo ?? lineSeed}.pdf` : `IMG_${20260000 + (lineSeed % 9999)}.${receipt.format === "png" ? "png" : "jpg"}`;
      // Drafts are work in progress: some lines still wait for their scan.
      const hasReceipt = status !== "DRAFT" || rng() < 0.6;
      if (hasReceipt) receipts.push(receipt);
      lines.push({
        id: stableId("line", claimId, li),
        spentOn,
        categoryCode: categoryFor(spec),
        merchant: spec.merchant,
        amountMinor: BigInt(spec.totalMinor),
        currency,
        note: "",
        receiptKeys: hasReceipt ? [key] : [],
      });
    }
    // Now and then one hotel folio covers the room and the meals charged to it: one receipt, two lines.
    const first = lines[0];
    if (first && first.categoryCode === "HOTEL" && first.receiptKeys.length === 1 && rng() < 0.5) {
      const mealShare = first.amountMinor / 5n;
      first.amountMinor -= mealShare;
      lines.push({ ...first, id: stableId("line", claimId, "folio-meals"), categoryCode: "MEAL", amountMinor: mealShare, note: english ? "Meals on hotel bill" : "酒店账单中的餐费" });
    }
    plans.push({
      id: claimId,
      index,
      claimantId: claimant.id,
      status,
      purpose,
      createdAt,
      lines,
      receipts,
      returnComment: status === "RETURNED" ? pick(RETURN_COMMENTS) : undefined,
    });
  }
  return plans;
}
