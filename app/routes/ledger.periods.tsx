import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CompanyName, LedgerTabs } from "~/components/ledger-nav";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { ClosePeriodSchema } from "~/domain/ledger-forms";
import { closePeriod } from "~/models/ledger-periods.server";
import { ledgerCompanies, listPeriodsWithCounts } from "~/models/ledger-views.server";
import { replyWithError, throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { parseForm, replyDetails, replyReason } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Accounting periods · Accounting Factory" }];

/** The periods of the viewer's companies with their voucher counts. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT", "SUPERVISOR", "ADMIN");
  try {
    const [companies, periods] = await Promise.all([ledgerCompanies(user), listPeriodsWithCounts(user)]);
    return { companies, periods, canClose: hasRole(user, "ADMIN") };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** ADMIN closes a period of a company they work for (closePeriod checks the company, the month and what is still owed). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const submission = parseForm(await request.formData(), ClosePeriodSchema);
  if (submission.status !== "success") return submission.reply();
  try {
    const { companyId, period } = submission.value;
    await closePeriod({ viewer: user, companyId, period });
    return redirect(`/ledger/periods?closed=${encodeURIComponent(period)}`);
  } catch (err) {
    return replyWithError(submission, err, { status: 200 });
  }
}

/** Why a close was refused, in words: the reason and its facts (an earlier open month, what is still owed). */
function CloseRefusal() {
  const { t } = useTranslation("ledger");
  const lastResult = useActionData<typeof action>();
  if (!lastResult || lastResult.status !== "error") return null;
  const code = replyReason(lastResult) ?? lastResult.error?.[""]?.[0] ?? Object.values(lastResult.error ?? {})[0]?.[0] ?? "invalid";
  const details = replyDetails(lastResult);
  const period = String((lastResult.initialValue as Record<string, unknown> | undefined)?.period ?? "");
  return (
    <div className="form-error card" role="alert" data-testid="close-refusal" style={{ marginTop: "1rem" }}>
      <strong>{t("periods.refusedTitle", { period })}</strong>
      <p style={{ margin: "0.25rem 0 0" }}>
        {t(`periods.refusal.${code}`, {
          defaultValue: t(`errors.${code}`, {
            defaultValue: t("errors.generic", { message: code }),
          }),
          ...details,
        })}
      </p>
    </div>
  );
}

export default function LedgerPeriods() {
  const { companies, periods, canClose } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("ledger");
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const closed = params.get("closed");
  return (
    <>
      <div className="page-head">
        <h1>{t("periods.title")}</h1>
      </div>
      <LedgerTabs />
      <p className="muted">{t("periods.intro")}</p>
      {closed ? (
        <p className="notice" role="status">
          {t("periods.closedNotice", { period: closed })}
        </p>
      ) : null}
      <CloseRefusal />
      {companies.length === 0 ? (
        <p className="empty card" data-testid="no-companies">
          {t("noCompanies")}
        </p>
      ) : null}
      {companies.map((c) => {
        const rows = periods.filter((p) => p.companyId === c.id);
        return (
          <section key={c.id} className="card" aria-labelledby={`periods-${c.id}`} style={{ marginTop: "1rem" }} data-testid={`periods-${c.code}`}>
            <h2 id={`periods-${c.id}`}>
              <CompanyName company={c} />
            </h2>
            {rows.length === 0 ? (
              <p className="empty">{t("periods.empty")}</p>
            ) : (
              <div className="table-wrap">
                <table className="data responsive">
                  <thead>
                    <tr>
                      <th scope="col">{t("periods.period")}</th>
                      <th scope="col">{t("periods.status")}</th>
                      <th scope="col" className="num">
                        {t("periods.vouchers")}
                      </th>
                      <th scope="col" className="num">
                        {t("periods.nextNumber")}
                      </th>
                      <th scope="col">{t("periods.closed")}</th>
                      {canClose ? (
                        <th scope="col">
                          <span className="visually-hidden">{t("periods.close")}</span>
                        </th>
                      ) : null}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((p) => (
                      <tr key={p.period} data-testid={`period-${p.period}`}>
                        <td data-label={t("periods.period")}>{p.period}</td>
                        <td data-label={t("periods.status")}>
                          <span className={`badge period-${p.status}`}>{p.status === "CLOSED" ? `🔒 ${t("periods.locked")}` : t("status.OPEN")}</span>
                        </td>
                        <td data-label={t("periods.vouchers")} className="num">
                          {p.voucherCount}
                        </td>
                        <td data-label={t("periods.nextNumber")} className="num">
                          {p.status === "CLOSED" ? "—" : p.nextNumber}
                        </td>
                        <td data-label={t("periods.closed")}>
                          {p.closedAt
                            ? t("periods.closedBy", {
                                at: formatDateTime(p.closedAt, i18n.language),
                                who: p.closedBy ?? "",
                              })
                            : "—"}
                        </td>
                        {canClose ? (
                          <td>
                            {p.status === "OPEN" ? (
                              <Form
                                method="post"
                                onSubmit={(e) => {
                                  if (
                                    !window.confirm(
                                      t("periods.confirmText", {
                                        period: p.period,
                                        company: i18n.language === "zh-CN" ? c.nameZh : c.name,
                                      })
                                    )
                                  )
                                    e.preventDefault();
                                }}
                              >
                                <input type="hidden" name="intent" value="close" />
                                <input type="hidden" name="companyId" value={c.id} />
                                <input type="hidden" name="period" value={p.period} />
                                <button
                                  type="submit"
                                  className="button"
                                  disabled={navigation.state === "submitting"}
                                  aria-label={t("periods.confirmClose", {
                                    period: p.period,
                                  })}
                                >
                                  {t("periods.close")}
                                </button>
                              </Form>
                            ) : null}
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
