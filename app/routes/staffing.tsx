import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { RouteError } from "~/components/route-error";
import type { QueueFigures } from "~/domain/erlang-c";
import { numberFormat } from "~/domain/intl-format";
import type { Role } from "~/generated/prisma/enums";
import { DEFAULT_GOAL, DEFAULT_WINDOW_DAYS, GOAL_RANGE, staffingReport, WINDOW_DAYS_RANGE, type GroupAssessment } from "~/models/staffing.server";
import { requireRole } from "~/utils/auth.server";
import { readReplica } from "~/utils/db.server";
import { formatDateTime, localName } from "~/utils/format";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Staffing · Accounting Factory" }];

const VIEWER_ROLES = ["SUPERVISOR", "ADMIN"] as const satisfies readonly Role[];
// Values right-aligned in tabular figures but free to wrap on a phone.
const VALUE = { textAlign: "right", fontVariantNumeric: "tabular-nums" } as const;
const GOAL_PERCENT = { min: Math.round(GOAL_RANGE.min * 100), max: Math.round(GOAL_RANGE.max * 100) };

const wholeIn = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max).optional();
/** The calculator's query: a goal in whole percent and a window in working days, each optional. */
const StaffingQuerySchema = z.object({ goal: wholeIn(GOAL_PERCENT), days: wholeIn(WINDOW_DAYS_RANGE) });

/** The query's values; a bad one is left out (its default applies) and named in `invalid`. */
function readQuery(params: URLSearchParams) {
  const submission = parseForm(params, StaffingQuerySchema);
  if (submission.status === "success") return { value: submission.value, invalid: {} as Record<string, unknown> };
  const invalid = submission.error ?? {};
  const rest = parseForm(new URLSearchParams([...params].filter(([name]) => !invalid[name])), StaffingQuerySchema);
  return { value: rest.status === "success" ? rest.value : {}, invalid };
}

/** JSON has no Infinity: an unbounded wait or occupancy travels as null. */
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
function figures(f: QueueFigures) {
  return {
    servers: f.servers,
    stable: f.stable,
    serviceLevel: f.serviceLevel,
    probabilityOfWaiting: f.probabilityOfWaiting,
    averageSpeedOfAnswer: finite(f.averageSpeedOfAnswer),
    occupancy: finite(f.occupancy),
  };
}
function assessment(a: GroupAssessment) {
  if (a.state !== "ok") return a;
  return { ...a, neededFigures: figures(a.neededFigures), currentFigures: figures(a.currentFigures) };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...VIEWER_ROLES);
  const url = new URL(request.url);
  const query = readQuery(url.searchParams);
  const goal = { value: query.value.goal ?? Math.round(DEFAULT_GOAL * 100), invalid: Boolean(query.invalid.goal) };
  const days = { value: query.value.days ?? DEFAULT_WINDOW_DAYS, invalid: Boolean(query.invalid.days) };
  // The SSC works on its employer's calendar: the supervisor's own company.
  const report = await staffingReport({ goal: goal.value / 100, days: days.value, calendarCompanyId: user.companyId }, readReplica); // may lag (docs/decisions/026)
  return {
    goalPercent: goal.value,
    days: days.value,
    errors: { goal: goal.invalid ? url.searchParams.get("goal") : null, days: days.invalid ? url.searchParams.get("days") : null },
    raw: { goal: url.searchParams.get("goal") ?? String(goal.value), days: url.searchParams.get("days") ?? String(days.value) },
    viewerTimeZone: user.timeZone,
    window: report.window,
    calendarTimeZone: report.timeZone,
    groups: report.groups.map((g) => ({ ...g, assessment: assessment(g.assessment) })),
  };
}

export function ErrorBoundary() {
  return <RouteError />;
}

export default function Staffing() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("staffing");
  const locale = i18n.language;
  const num = (x: number, digits = 1) => numberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(x);
  const pct = (x: number) => numberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(x);
  const duration = (minutes: number | null) => {
    if (minutes === null) return t("units.infinite");
    return minutes >= 120 ? t("units.hours", { value: num(minutes / 60) }) : t("units.minutes", { value: num(minutes, minutes < 10 ? 1 : 0) });
  };
  const goal = data.goalPercent / 100;

  return (
    <>
      <div className="page-head">
        <h1>{t("title")}</h1>
      </div>
      <p className="muted">{t("lead")}</p>

      <Form method="get" className="card stack" aria-label={t("title")}>
        <div className="row">
          <label className="field">
            <span>{t("form.goal")}</span>
            <input
              name="goal"
              type="number"
              inputMode="numeric"
              min={GOAL_PERCENT.min}
              max={GOAL_PERCENT.max}
              step={1}
              defaultValue={data.raw.goal}
              aria-invalid={data.errors.goal !== null || undefined}
              aria-describedby={data.errors.goal !== null ? "goal-error" : undefined}
            />
          </label>
          <label className="field">
            <span>{t("form.days")}</span>
            <input
              name="days"
              type="number"
              inputMode="numeric"
              min={WINDOW_DAYS_RANGE.min}
              max={WINDOW_DAYS_RANGE.max}
              step={1}
              defaultValue={data.raw.days}
              aria-invalid={data.errors.days !== null || undefined}
              aria-describedby={data.errors.days !== null ? "days-error" : undefined}
            />
          </label>
          <button type="submit" className="button button-primary">{t("form.submit")}</button>
        </div>
        {data.errors.goal !== null ? (
          <p id="goal-error" className="field-error" role="alert">{t("form.goalInvalid", { min: GOAL_PERCENT.min, max: GOAL_PERCENT.max, fallback: data.goalPercent })}</p>
        ) : null}
        {data.errors.days !== null ? (
          <p id="days-error" className="field-error" role="alert">{t("form.daysInvalid", { min: WINDOW_DAYS_RANGE.min, max: WINDOW_DAYS_RANGE.max, fallback: data.days })}</p>
        ) : null}
        <p className="muted small">
          {t("window", {
            from: formatDateTime(data.window.from, locale, data.viewerTimeZone),
            to: formatDateTime(data.window.to, locale, data.viewerTimeZone),
            days: data.window.workingDays,
            hours: num(data.window.workingHours),
            timeZone: data.calendarTimeZone,
          })}
          {data.window.workingDays < data.days ? ` ${t("windowShort")}` : null}
        </p>
      </Form>

      {data.groups.length === 0 ? (
        <p className="empty card">{t("noGroups")}</p>
      ) : (
        <>
          <h2>{t("summary.title")}</h2>
          <div className="table-wrap">
            <table className="data responsive" data-testid="staffing-summary">
              <thead>
                <tr>
                  <th scope="col">{t("summary.group")}</th>
                  <th scope="col" style={VALUE}>{t("group.arrivalRate")}</th>
                  <th scope="col" style={VALUE}>{t("group.aht")}</th>
                  <th scope="col" style={VALUE}>{t("group.sla")}</th>
                  <th scope="col" style={VALUE}>{t("group.needed")}</th>
                  <th scope="col" style={VALUE}>{t("group.members")}</th>
                  <th scope="col" style={VALUE}>{t("group.slNow")}</th>
                </tr>
              </thead>
              <tbody>
                {data.groups.map((g) => {
                  const a = g.assessment;
                  return (
                    <tr key={g.id}>
                      <td data-label={t("summary.group")}>
                        <a href={`#staffing-${g.code}`}>{localName(g, locale)}</a>
                      </td>
                      <td style={VALUE} data-label={t("group.arrivalRate")}>{num(a.arrivalsPerHour, 2)}</td>
                      <td style={VALUE} data-label={t("group.aht")}>{a.ahtMinutes === null ? "—" : duration(a.ahtMinutes)}</td>
                      <td style={VALUE} data-label={t("group.sla")}>{duration(g.measured.slaMinutes)}</td>
                      <td style={VALUE} data-label={t("group.needed")}>
                        {a.state === "ok" ? <strong>{num(a.needed, 0)}</strong> : <span className="muted">{t(a.state === "no_arrivals" ? "summary.noArrivals" : "summary.noHandling")}</span>}
                      </td>
                      <td style={VALUE} data-label={t("group.members")}>
                        {a.state === "ok" && a.gap < 0 ? <span className="badge badge-REJECTED">{num(g.measured.members, 0)}</span> : num(g.measured.members, 0)}
                      </td>
                      <td style={VALUE} data-label={t("group.slNow")}>{a.state === "ok" ? pct(a.currentFigures.serviceLevel) : "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="muted small">{t("summary.perHour")}</p>
        </>
      )}

      <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 460px), 1fr))", gap: "0 1.25rem" }}>
        {data.groups.map((g) => {
          const a = g.assessment;
          const m = g.measured;
          const headingId = `staffing-${g.code}`;
          return (
            <section key={g.id} className="staffing-group" aria-labelledby={headingId} data-group={g.code}>
              <h2 id={headingId}>
                {localName(g, locale)} <span className="mono muted small">{g.code}</span>
              </h2>
              {a.state === "no_arrivals" ? (
                <p className="notice" role="status">{t("group.noArrivals", { members: m.members })}</p>
              ) : a.state === "no_handling" ? (
                <p className="notice" role="status">{t("group.noHandling")}</p>
              ) : null}
              {a.state === "ok" && !a.currentFigures.stable ? (
                <p className="form-error" role="status">
                  {m.members === 0 ? `${t("group.noMembers")} ` : null}
                  {t("group.unstable", { members: m.members, traffic: num(a.traffic, 2) })}
                </p>
              ) : null}
              <div className="table-wrap">
                <table className="data">
                  <caption className="visually-hidden">{localName(g, locale)}</caption>
                  <thead>
                    <tr>
                      <th scope="colgroup" colSpan={2}>{t("group.inputs")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      <td>{t("group.arrivals")}</td>
                      <td style={VALUE}>{num(m.arrivals, 0)}</td>
                    </tr>
                    <tr>
                      <td>{t("group.arrivalRate")}</td>
                      <td style={VALUE}>{t("group.perHour", { value: num(a.arrivalsPerHour, 2) })}</td>
                    </tr>
                    <tr>
                      <td>{t("group.handled")}</td>
                      <td style={VALUE}>{num(m.handled, 0)}</td>
                    </tr>
                    <tr>
                      <td>{t("group.aht")}</td>
                      <td style={VALUE}>{a.ahtMinutes === null ? "—" : duration(a.ahtMinutes)}</td>
                    </tr>
                    <tr>
                      <td>{t("group.sla")}</td>
                      <td style={VALUE}>{duration(m.slaMinutes)}</td>
                    </tr>
                    <tr>
                      <td>{t("group.goal")}</td>
                      <td style={VALUE}>{t("group.goalValue", { goal: pct(goal), sla: duration(m.slaMinutes) })}</td>
                    </tr>
                    <tr>
                      <td>{t("group.observed")}</td>
                      <td style={VALUE}>
                        {g.observedServiceLevel === null ? t("group.observedNone") : `${pct(g.observedServiceLevel)} (${num(m.startedWithinSla, 0)} / ${num(m.started, 0)})`}
                      </td>
                    </tr>
                  </tbody>
                  <tbody>
                    <tr>
                      <th scope="colgroup" colSpan={2}>{t("group.result")}</th>
                    </tr>
                    {a.state === "ok" ? (
                      <>
                        <tr>
                          <td>{t("group.traffic")}</td>
                          <td style={VALUE}>{t("group.trafficValue", { value: num(a.traffic, 2) })}</td>
                        </tr>
                        <tr className="staffing-key">
                          <td>{t("group.needed")}</td>
                          <td style={VALUE} data-testid={`needed-${g.code}`}>
                            <strong>{num(a.needed, 0)}</strong>
                          </td>
                        </tr>
                        <tr className="staffing-key">
                          <td>{t("group.members")}</td>
                          <td style={VALUE} data-testid={`members-${g.code}`}>
                            <strong>{num(m.members, 0)}</strong>
                          </td>
                        </tr>
                        <tr>
                          <td>{t("group.gap")}</td>
                          <td style={VALUE}>
                            {a.gap < 0 ? (
                              <span className="badge badge-REJECTED">{t("group.gapShort", { count: -a.gap })}</span>
                            ) : a.gap > 0 ? (
                              <span className="badge badge-APPROVED">{t("group.gapSpare", { count: a.gap })}</span>
                            ) : (
                              <span className="badge">{t("group.gapNone")}</span>
                            )}
                          </td>
                        </tr>
                        <tr>
                          <td>{t("group.slNow")}</td>
                          <td style={VALUE}>{pct(a.currentFigures.serviceLevel)}</td>
                        </tr>
                        <tr>
                          <td>{t("group.waitNow")}</td>
                          <td style={VALUE}>{pct(a.currentFigures.probabilityOfWaiting)}</td>
                        </tr>
                        <tr>
                          <td>{t("group.asaNow")}</td>
                          <td style={VALUE}>{duration(a.currentFigures.averageSpeedOfAnswer)}</td>
                        </tr>
                        <tr>
                          <td>{t("group.occupancyNow")}</td>
                          <td style={VALUE}>{a.currentFigures.occupancy === null ? "—" : pct(a.currentFigures.occupancy)}</td>
                        </tr>
                        <tr>
                          <td>{t("group.slNeeded")}</td>
                          <td style={VALUE}>{pct(a.neededFigures.serviceLevel)}</td>
                        </tr>
                      </>
                    ) : (
                      <tr>
                        <td>{t("group.members")}</td>
                        <td style={VALUE} data-testid={`members-${g.code}`}>{num(m.members, 0)}</td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </div>
            </section>
          );
        })}
      </div>

      <section className="card staffing-method" style={{ marginTop: "1.5rem" }} aria-labelledby="staffing-method">
        <h2 id="staffing-method">{t("method.title")}</h2>
        <p>{t("method.arrivals")}</p>
        <p>{t("method.handling")}</p>
        <p>{t("method.erlang")}</p>
        <p>{t("method.assumptions")}</p>
        <p>{t("method.observed")}</p>
      </section>
    </>
  );
}
