import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { isValidIsoDate } from "~/domain/claim-input";
import { isCurrencyCode, parseAmount } from "~/domain/money";
import { budgetLineNotes } from "~/models/budget-views.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireUser } from "~/utils/auth.server";

/** What the claim form sends: its company and department, and per line category, date, amount and currency as typed. */
const PreviewQuery = z.object({
  companyId: z.string().min(1).max(64),
  departmentId: z.string().min(1).max(64),
  lines: z
    .array(z.object({ categoryCode: z.string().max(40), spentOn: z.string().max(10), amount: z.string().max(40), currency: z.string().max(3) }))
    .max(200),
});

/**
 * The claim form's budget note per line (JSON for a fetcher): any signed-in claimant, for a company and
 * department their profile lets them file for (anything else is 404). Read-only.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  let lines: unknown;
  try {
    lines = JSON.parse(url.searchParams.get("lines") ?? "[]");
  } catch {
    throw new Response("Bad request", { status: 400 });
  }
  const query = PreviewQuery.safeParse({ companyId: url.searchParams.get("companyId"), departmentId: url.searchParams.get("departmentId"), lines });
  if (!query.success) throw new Response("Bad request", { status: 400 });
  const parsed = query.data.lines.map((l) => {
    const currency = l.currency.toUpperCase();
    const amount = isCurrencyCode(currency) ? parseAmount(l.amount, currency) : null;
    return {
      categoryCode: l.categoryCode,
      spentOn: isValidIsoDate(l.spentOn) && isCurrencyCode(currency) ? l.spentOn : "",
      amountMinor: amount?.ok && amount.minor > 0n ? amount.minor : 0n,
      currency: isCurrencyCode(currency) ? currency : "XXX",
    };
  });
  try {
    const notes = await budgetLineNotes(user, { companyId: query.data.companyId, departmentId: query.data.departmentId, lines: parsed });
    return Response.json({
      notes: notes.map((n) =>
        n.kind === "cell"
          ? { ...n, budgetMinor: n.budgetMinor.toString(), remainingMinor: n.remainingMinor.toString(), requestedMinor: n.requestedMinor.toString() }
          : n,
      ),
    });
  } catch (err) {
    throwAsResponse(err);
  }
}
