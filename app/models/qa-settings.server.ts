/**
 * Quality sampling settings: the rate per stratum, what makes an operator new and the high-amount
 * thresholds, read by the draw (qa-sampling.server.ts) and changed by admins on /qa/settings.
 */
import { AppError } from "~/domain/app-error";
import { hasRole, type Actor } from "~/domain/actor";
import { isCurrencyCode, minorToDecimalString } from "~/domain/money";
import { qaSettingsSchema, thresholdFieldName, type QaSettingsInput } from "~/domain/qa-forms";
import { DEFAULT_QA_SETTINGS, RATE_FIELD_STRATUM, RATE_FIELDS, type QaSamplingSettings, type QaStratum } from "~/domain/qa-sampling";
import { Prisma } from "~/generated/prisma/client";
import { prisma, readTogether, type Db, type Tx } from "~/utils/db.server";
import { parseFields } from "~/utils/forms";
import { recordAudit } from "./audit.server";

export type QaSettingsView = QaSamplingSettings & { updatedAt: Date; updatedByName: string | null };

/**
 * The sampling settings. The migration inserts the row and the thresholds; a database without the row
 * (e.g. emptied by a test run) samples at DEFAULT_QA_SETTINGS, thresholds included, until an admin saves.
 */
export async function getQaSettings(db: Db | Tx = prisma): Promise<QaSettingsView> {
  const [row, thresholds] = await readTogether(
    db,
    () => db.qaSetting.findUnique({ where: { id: "qa" } }),
    () => db.qaAmountThreshold.findMany({ orderBy: { currency: "asc" } }),
  );
  if (!row) return { ...DEFAULT_QA_SETTINGS, updatedAt: new Date(0), updatedByName: null };
  const updatedBy = row.updatedById ? await db.user.findUnique({ where: { id: row.updatedById }, select: { name: true } }) : null;
  return { ...qaSamplingSettingsOf(row, thresholds), updatedAt: row.updatedAt, updatedByName: updatedBy?.name ?? null };
}

/** The columns of qa_setting the draw needs (as a decision's statement reads them). */
export type QaSettingRow = { baseRateBp: number; newOperatorRateBp: number; highAmountRateBp: number; flaggedRateBp: number; newOperatorDays: number; newOperatorReviews: number };

/** The sampling settings from the settings row and the thresholds; no row: DEFAULT_QA_SETTINGS, its thresholds included. */
export function qaSamplingSettingsOf(row: QaSettingRow | null, thresholds: readonly { currency: string; minMinor: bigint }[]): QaSamplingSettings {
  if (!row) return DEFAULT_QA_SETTINGS;
  return {
    rates: { base: row.baseRateBp, new_operator: row.newOperatorRateBp, high_amount: row.highAmountRateBp, flagged: row.flaggedRateBp },
    newOperatorDays: row.newOperatorDays,
    newOperatorReviews: row.newOperatorReviews,
    highAmountMinor: Object.fromEntries(thresholds.map((t) => [t.currency, t.minMinor])),
  };
}

/** The currencies a high-amount threshold can be set for: every company's currency, plus any already set. */
export async function thresholdCurrencies(db: Db = prisma): Promise<string[]> {
  const [companies, set] = await Promise.all([
    db.company.findMany({ select: { currency: true }, distinct: ["currency"] }),
    db.qaAmountThreshold.findMany({ select: { currency: true } }),
  ]);
  return [...new Set([...companies.map((c) => c.currency), ...set.map((s) => s.currency)])].sort();
}

/** The threshold currencies a submitted form names (`threshold_<CUR>` fields with a real currency code). */
function submittedCurrencies(values: Record<string, unknown>): string[] {
  return Object.keys(values)
    .filter((key) => key.startsWith("threshold_"))
    .map((key) => key.slice("threshold_".length))
    .filter((currency) => /^[A-Z]{3}$/.test(currency) && isCurrencyCode(currency));
}

/**
 * Validates the settings form with its schema (app/domain/qa-forms.ts: rates as percentages with up
 * to 2 decimals, whole days and review counts, a threshold per currency in major units or blank for
 * none) and saves it with its audit event in one transaction. Only admins.
 */
export async function saveQaSettings({
  admin,
  values,
}: {
  admin: Actor;
  values: Record<string, unknown>;
}): Promise<{ ok: true } | { ok: false; problems: Record<string, string> }> {
  if (!hasRole(admin, "ADMIN")) throw new AppError("forbidden");
  const currencies = submittedCurrencies(values);
  const parsed = parseFields(qaSettingsSchema(currencies), values);
  if (!parsed.ok) return { ok: false, problems: parsed.fieldErrors };
  const input = parsed.value as QaSettingsInput;
  const rates = Object.fromEntries(RATE_FIELDS.map((field) => [RATE_FIELD_STRATUM[field], input[field]])) as Record<QaStratum, number>;
  const thresholds = currencies.map((currency) => ({ currency, minMinor: input[thresholdFieldName(currency)] ?? null }));

  await prisma.$transaction(async (tx) => {
    const before = await getQaSettings(tx);
    const data = {
      baseRateBp: rates.base,
      newOperatorRateBp: rates.new_operator,
      highAmountRateBp: rates.high_amount,
      flaggedRateBp: rates.flagged,
      newOperatorDays: input.newOperatorDays,
      newOperatorReviews: input.newOperatorReviews,
      updatedAt: new Date(),
      updatedById: admin.id,
    };
    await tx.qaSetting.upsert({ where: { id: "qa" }, create: { id: "qa", ...data }, update: data });
    for (const t of thresholds) {
      if (t.minMinor === null) await tx.qaAmountThreshold.deleteMany({ where: { currency: t.currency } });
      else await tx.qaAmountThreshold.upsert({ where: { currency: t.currency }, create: { currency: t.currency, minMinor: t.minMinor }, update: { minMinor: t.minMinor } });
    }
    const after = await getQaSettings(tx);
    await recordAudit(tx, {
      actorId: admin.id,
      type: "qa.settings_changed",
      data: { before: settingsJson(before), after: settingsJson(after) },
    });
  });
  return { ok: true };
}

function settingsJson(s: QaSamplingSettings): Prisma.InputJsonObject {
  return {
    rates: { ...s.rates },
    newOperatorDays: s.newOperatorDays,
    newOperatorReviews: s.newOperatorReviews,
    highAmountMinor: Object.fromEntries(Object.entries(s.highAmountMinor).map(([c, m]) => [c, m.toString()])),
  };
}

/** The settings as form text (percentages, days, reviews, major-unit thresholds). */
export function settingsFormValues(s: QaSamplingSettings, currencies: readonly string[]): Record<string, string> {
  const pct = (bp: number) => (bp / 100).toFixed(2).replace(/\.?0+$/, "");
  const values: Record<string, string> = {
    baseRate: pct(s.rates.base),
    newOperatorRate: pct(s.rates.new_operator),
    highAmountRate: pct(s.rates.high_amount),
    flaggedRate: pct(s.rates.flagged),
    newOperatorDays: String(s.newOperatorDays),
    newOperatorReviews: String(s.newOperatorReviews),
  };
  for (const c of currencies) {
    const min = s.highAmountMinor[c];
    values[`threshold_${c}`] = min === undefined ? "" : minorToDecimalString(min, c);
  }
  return values;
}
