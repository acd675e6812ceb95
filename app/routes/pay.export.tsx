import type { LoaderFunctionArgs } from "@remix-run/node";
import { isMonth } from "~/domain/piece-rate";
import { defaultMonth, payrollCsv } from "~/models/pay.server";
import { hasRole, requireUser } from "~/utils/auth.server";

/** GET /pay/export?month=YYYY-MM → the payroll CSV (supervisors and admins only). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!hasRole(user, "SUPERVISOR") && !hasRole(user, "ADMIN")) throw new Response("Forbidden", { status: 403 });
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
