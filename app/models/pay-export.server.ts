/** The payroll CSV of a month: what payroll imports, one row per operator. */
import { minorToDecimalString } from "~/domain/money";
import { pointsToString } from "~/domain/piece-rate";
import { monthStatements } from "./pay-statements.server";

function csvCell(value: string): string {
  // A cell starting with = + - @ would be run as a formula by Excel: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_HEADER = ["month", "status", "operator_email", "operator_name", "pieces", "gross_points", "deduction_points", "net_points", "amount", "currency"];

/** The month for payroll: UTF-8 with a BOM (Excel then reads Chinese names), one row per operator. */
export async function payrollCsv(args: { month: string }): Promise<string> {
  const { period, statements } = await monthStatements(args);
  const status = period ? "closed" : "provisional";
  const rows = statements.map(({ operator, statement: s }) => [
    args.month,
    status,
    operator.email,
    operator.name,
    String(s.pieces),
    pointsToString(s.grossPointsHundredths),
    pointsToString(s.deductionPointsHundredths),
    pointsToString(s.netPointsHundredths),
    minorToDecimalString(s.amount.minor, s.amount.currency),
    s.amount.currency,
  ]);
  return `\uFEFF${[CSV_HEADER, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
