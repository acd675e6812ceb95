import type { LoaderFunctionArgs } from "@remix-run/node";
import { registerCsv } from "~/models/destruction.server";
import { RETENTION_STAFF, retentionCompanies } from "~/models/retention.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";

/** The destruction register as CSV (company and year filters as on the page; only the viewer's companies). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...RETENTION_STAFF);
  const url = new URL(request.url);
  try {
    const companies = await retentionCompanies(user);
    const company = companies.find((c) => c.id === url.searchParams.get("company"));
    const y = url.searchParams.get("year") ?? "";
    const year = /^[0-9]{4}$/.test(y) ? Number(y) : undefined;
    const csv = await registerCsv(user, { companyId: company?.id, year });
    const name = `destruction-register${company ? `-${company.code}` : ""}${year ? `-${year}` : ""}.csv`;
    // A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
    return new Response(`\uFEFF${csv}`, {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" },
    });
  } catch (err) {
    throwAsResponse(err);
  }
}
