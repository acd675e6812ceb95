import type { LoaderFunctionArgs } from "@remix-run/node";
import { isMonth } from "~/domain/piece-rate";
import { payrollCsv } from "~/models/pay-export.server";
import { defaultMonth } from "~/models/pay-statements.server";
import { requireRole } from "~/utils/auth.server";

/** GET /pay/export?month=YYYY-MM → the payroll CSV (supervisors and admins only). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "SUPERVISOR", "ADMIN");
  const month = new URL(request.url).searchParams.get("month") || defaultMonth();
  if (!isMonth(month)) throw new Response("Not a month (YYYY-MM)", { status: 400 });
  const csv = await payrollCsv({ month });
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="payroll-${month}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
