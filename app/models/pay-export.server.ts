/** The payroll CSV of a month: what payroll imports, one row per operator. */
import { csvText } from "~/domain/csv";
import { minorToDecimalString } from "~/domain/money";
import { pointsToString } from "~/domain/piece-rate";
import { monthStatements } from "./pay-statements.server";

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
  return `\uFEFF${csvText([CSV_HEADER, ...rows])}`;
}
