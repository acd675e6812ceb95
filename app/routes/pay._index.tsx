import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { MonthPicker, PayTabs } from "~/components/pay-nav";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { AppError, isAppError } from "~/domain/app-error";
import { Money } from "~/components/money";
import { isMonth, monthRange, pointsToString, type Statement } from "~/domain/piece-rate";
import { closeMonth, recomputeClosedMonth } from "~/models/pay-month-close.server";
import type { PeriodInfo } from "~/models/pay-periods.server";
import { defaultMonth, monthStatements, operatorStatement, type OperatorStatement } from "~/models/pay-statements.server";
import { SSC_TIME_ZONE } from "~/domain/calendar-date";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Piece-rate pay · Accounting Factory" }];

/** Closing the month shown (a button with the month in a hidden field). */
const CloseMonthSchema = z.object({ intent: z.literal("close"), month: z.string().refine(isMonth, "invalid_month") });

function readMonth(url: URL): string {
  const month = url.searchParams.get("month") || defaultMonth();
  if (!isMonth(month)) throw new Response("Not a month", { status: 400 });
  return month;
}

/** Points for people: a real minus sign (the CSV keeps the ASCII one). */
function signed(hundredths: number): string {
  return pointsToString(hundredths).replace(/^-/, "−");
}

function statementView({ operator, statement: s }: OperatorStatement) {
  return {
    operator,
    pieces: s.pieces,
    gross: pointsToString(s.grossPointsHundredths),
    deducted: pointsToString(s.deductionPointsHundredths),
    net: signed(s.netPointsHundredths),
    amountMinor: s.amount.minor.toString(),
    currency: s.amount.currency,
    floored: s.floored,
    lines: s.lines.map((l) => ({ ...l, points: pointsToString(l.pointsHundredths) })),
    deductions: s.deductions.map((d) => ({ ...d, points: pointsToString(d.pointsHundredths) })),
    missing: s.missing,
  };
}

function periodView(p: PeriodInfo) {
  return p && { closedAt: p.closedAt.toISOString(), closedBy: p.closedBy?.name ?? null };
}

function totalsOf(list: Statement[]) {
  const byCurrency = new Map<string, bigint>();
  for (const s of list) byCurrency.set(s.amount.currency, (byCurrency.get(s.amount.currency) ?? 0n) + s.amount.minor);
  return {
    pieces: list.reduce((n, s) => n + s.pieces, 0),
    net: signed(list.reduce((n, s) => n + s.netPointsHundredths, 0)),
    amounts: [...byCurrency].map(([currency, minor]) => ({ currency, minor: minor.toString() })),
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  // Supervisors and admins see everyone; accountants and QA reviewers see their own statement only.
  const user = await requireRole(request, "ACCOUNTANT", "QA", "SUPERVISOR", "ADMIN");
  const oversees = hasRole(user, "SUPERVISOR", "ADMIN");
  const url = new URL(request.url);
  const month = readMonth(url);
  const wanted = url.searchParams.get("operator");
  const monthOver = monthRange(month, SSC_TIME_ZONE).to <= new Date();
  const base = { month, timeZone: user.timeZone, oversees, isAdmin: hasRole(user, "ADMIN"), monthOver };
  if (!oversees) {
    // An operator's own statement only; asking for someone else's is refused, not silently redirected.
    if (wanted && wanted !== user.id) throw new Response("Forbidden", { status: 403 });
    const { period, entry } = await operatorStatement({ month, operatorId: user.id });
    return { ...base, period: periodView(period), detail: statementView(entry), rows: [], totals: null, check: null };
  }
  const { period, statements } = await monthStatements({ month });
  let detail = null;
  if (wanted) {
    const found = statements.find((s) => s.operator.id === wanted);
    if (found) detail = statementView(found);
    else {
      try {
        detail = statementView((await operatorStatement({ month, operatorId: wanted })).entry);
      } catch (err) {
        if (isAppError(err, "not_found")) throw new Response("Not found", { status: 404 });
        throw err;
      }
    }
  }
  const check = period ? await recomputeClosedMonth({ month }) : null;
  return {
    ...base,
    period: periodView(period),
    detail,
    rows: statements.map(statementView),
    totals: totalsOf(statements.map((s) => s.statement)),
    check,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "SUPERVISOR", "ADMIN");
  const submission = parseForm(await request.formData(), CloseMonthSchema);
  if (submission.status !== "success") {
    if (submission.error?.intent) throw new Response("Bad request", { status: 400 });
    return replyWithError(submission, new AppError("invalid_month", { status: 200 }));
  }
  try {
    const closed = await closeMonth({ month: submission.value.month, actorId: user.id });
    return { ...submission.reply(), closed: { operators: closed.operators, totalMinor: closed.total.toString(), currency: closed.currency } };
  } catch (err) {
    // A refusal (month still running, already closed, work without a rate) is shown above the table.
    return replyWithError(submission, err, { status: 200 });
  }
}


type View = ReturnType<typeof statementView>;
const DD = { margin: 0, textAlign: "right", fontVariantNumeric: "tabular-nums" } as const;

function StatementDetail({ detail }: { detail: View }) {
  const { t } = useTranslation("pay");
  return (
    <section className="card" style={{ marginTop: "1rem" }} id="statement" data-testid="statement" aria-labelledby="statement-title">
      <h2 id="statement-title">{t("detail.title", { name: detail.operator.name })}</h2>
      <div className="table-wrap">
        <table className="data responsive">
          <thead>
            <tr>
              <th>{t("cols.taskType")}</th>
              <th>{t("cols.band")}</th>
              <th className="num">{t("cols.pieces")}</th>
              <th className="num">{t("cols.points")}</th>
            </tr>
          </thead>
          <tbody>
            {detail.lines.length === 0 ? (
              <tr><td colSpan={4} className="empty">{t("detail.noWork")}</td></tr>
            ) : (
              detail.lines.map((l) => (
                <tr key={`${l.taskType}-${l.band}`}>
                  <td data-label={t("cols.taskType")}>{t(`taskType.${l.taskType}`, { defaultValue: l.taskType })}</td>
                  <td data-label={t("cols.band")}>{l.band}</td>
                  <td className="num" data-label={t("cols.pieces")}>{l.pieces}</td>
                  <td className="num" data-label={t("cols.points")}>{l.points}</td>
                </tr>
              ))
            )}
            {detail.deductions.map((d) => (
              <tr key={d.severity}>
                <td data-label={t("cols.taskType")}>{t("detail.deduction")}</td>
                <td data-label={t("cols.severity")}>{t(`severity.${d.severity}`, { defaultValue: d.severity })}</td>
                <td className="num" data-label={t("cols.errors")}>{t("detail.errors", { count: d.errors })}</td>
                <td className="num" data-label={t("cols.points")}>−{d.points}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl style={{ display: "grid", gridTemplateColumns: "max-content max-content", gap: "0.35rem 2rem", margin: "1rem 0 0" }}>
        <dt className="muted">{t("cols.gross")}</dt><dd style={DD}>{detail.gross}</dd>
        <dt className="muted">{t("cols.deducted")}</dt><dd style={DD}>{detail.deducted === "0.00" ? "—" : `−${detail.deducted}`}</dd>
        <dt className="muted">{t("cols.net")}</dt><dd style={DD}>{detail.net}</dd>
        <dt className="muted">{t("cols.amount")}</dt>
        <dd style={DD} data-testid="statement-amount"><strong><Money minor={detail.amountMinor} currency={detail.currency} /></strong></dd>
      </dl>
      {detail.floored ? <p className="notice small">{t("detail.floored")}</p> : null}
      {detail.missing.length > 0 ? (
        <div className="notice small" role="status">
          <strong>{t("detail.missingTitle")}</strong>
          <ul>
            {detail.missing.map((m) => (
              <li key={`${m.kind}-${m.key}-${m.date}`}>{t(`missing.${m.kind}`, { key: m.key.replace("|", " · "), date: m.date, count: m.count })}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

export default function Pay() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const closed = lastResult && "closed" in lastResult ? lastResult.closed : null;
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("pay");
  const locale = i18n.language;
  const [closeForm] = useForm({ lastResult, onValidate: ({ formData }) => parseForm(formData, CloseMonthSchema), shouldValidate: "onSubmit" });
  const closeFormProps = getFormProps(closeForm);
  const closing = navigation.state !== "idle" && navigation.formData?.get("intent") === "close";
  const status = data.period ? "closed" : data.monthOver ? "open" : "running";

  return (
    <>
      <div className="page-head">
        <h1>{data.oversees ? t("title.all") : t("title.own")}</h1>
      </div>
      <PayTabs showRates={data.oversees} showScorecards={data.oversees} month={data.month} />
      <div className="row" style={{ justifyContent: "space-between", alignItems: "center", marginBottom: "1rem" }}>
        <MonthPicker month={data.month} />
        <p className="muted small" data-testid="period-status" style={{ margin: 0 }}>
          {data.period
            ? t("status.closed", { at: formatDateTime(data.period.closedAt, locale, data.timeZone), by: data.period.closedBy ?? "—" })
            : t(`status.${status}`)}
        </p>
      </div>

      <FieldError errors={closeForm.errors} id={closeForm.errorId} ns="pay" prefix="errors" />
      {closed ? (
        <p className="notice" role="status">
          {t("closedNow", { count: closed.operators })} <Money minor={closed.totalMinor} currency={closed.currency} />
        </p>
      ) : null}

      {data.oversees ? (
        <>
          {data.check ? (
            <p className={data.check.matches ? "notice" : "form-error"} role="status" data-testid="recompute-check">
              {data.check.matches ? t("check.matches") : t("check.differs", { count: data.check.differences.length })}
            </p>
          ) : null}
          {data.check && !data.check.matches ? (
            <div className="table-wrap" style={{ marginBottom: "1rem" }}>
              <table className="data responsive" data-testid="recompute-differences">
                <thead>
                  <tr><th>{t("cols.operator")}</th><th>{t("check.field")}</th><th className="num">{t("check.stored")}</th><th className="num">{t("check.recomputed")}</th></tr>
                </thead>
                <tbody>
                  {data.check.differences.map((d) => (
                    <tr key={`${d.operatorId}-${d.field}`}>
                      <td data-label={t("cols.operator")}>{d.operatorName}</td>
                      <td data-label={t("check.field")}>{t(`check.fields.${d.field}`)}</td>
                      <td className="num" data-label={t("check.stored")}>{d.stored}</td>
                      <td className="num" data-label={t("check.recomputed")}>{d.recomputed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}

          <div className="row" style={{ marginBottom: "1rem" }}>
            <a href={`/pay/export?month=${data.month}`} className="button" download data-testid="download-csv">{t("actions.csv")}</a>
            {!data.period && data.monthOver ? (
              <Form
                method="post"
                {...closeFormProps}
                onSubmit={(e) => {
                  if (window.confirm(t("actions.closeConfirm", { month: data.month }))) closeFormProps.onSubmit(e);
                  else e.preventDefault();
                }}
              >
                <input type="hidden" name="month" value={data.month} />
                <button type="submit" name="intent" value="close" className="button button-primary" disabled={closing}>
                  {closing ? t("actions.closing") : t("actions.close")}
                </button>
              </Form>
            ) : null}
            {!data.period && !data.monthOver ? <span className="muted small">{t("actions.closeLater")}</span> : null}
          </div>

          <div className="table-wrap">
            <table className="data responsive" data-testid="pay-statements">
              <thead>
                <tr>
                  <th>{t("cols.operator")}</th>
                  <th className="num">{t("cols.pieces")}</th>
                  <th className="num">{t("cols.gross")}</th>
                  <th className="num">{t("cols.deducted")}</th>
                  <th className="num">{t("cols.net")}</th>
                  <th className="num">{t("cols.amount")}</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.length === 0 ? (
                  <tr><td colSpan={6} className="empty">{t("empty")}</td></tr>
                ) : (
                  data.rows.map((r) => (
                    <tr key={r.operator.id} data-testid="pay-row">
                      <td data-label={t("cols.operator")}>
                        <Link to={`?${new URLSearchParams({ month: data.month, operator: r.operator.id })}#statement`}>{r.operator.name}</Link>
                        {r.missing.length > 0 ? <span className="badge" title={t("detail.missingTitle")}> ⚠</span> : null}
                        <div className="muted small">{r.operator.email}</div>
                      </td>
                      <td className="num" data-label={t("cols.pieces")}>{r.pieces}</td>
                      <td className="num" data-label={t("cols.gross")}>{r.gross}</td>
                      <td className="num" data-label={t("cols.deducted")}>{r.deducted === "0.00" ? "—" : `−${r.deducted}`}</td>
                      <td className="num" data-label={t("cols.net")}>{r.net}</td>
                      <td className="num" data-label={t("cols.amount")}>
                        <Money minor={r.amountMinor} currency={r.currency} />
                        {r.floored ? <div className="muted small">{t("floored")}</div> : null}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
              {data.totals && data.rows.length > 0 ? (
                <tfoot>
                  <tr>
                    <th>{t("cols.total")}</th>
                    <th className="num">{data.totals.pieces}</th>
                    <th />
                    <th />
                    <th className="num">{data.totals.net}</th>
                    <th className="num" data-testid="pay-total">
                      {data.totals.amounts.map((a) => <Money key={a.currency} minor={a.minor} currency={a.currency} />)}
                    </th>
                  </tr>
                </tfoot>
              ) : null}
            </table>
          </div>
          {data.detail ? <StatementDetail detail={data.detail} /> : null}
        </>
      ) : data.detail ? (
        <StatementDetail detail={data.detail} />
      ) : null}
      <p className="muted small" style={{ marginTop: "1rem" }}>{t("howItWorks")}</p>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
