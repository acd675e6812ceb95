import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { ageMinutes, formatAge } from "~/components/format-age";
import { RouteError } from "~/components/route-error";
import { usePollWhile } from "~/components/use-poll-while";
import { isTypingTarget } from "~/components/workstation-shortcuts";
import { z } from "zod";
import { hasRole } from "~/domain/actor";
import { isAppError } from "~/domain/app-error";
import { numberFormat } from "~/domain/intl-format";
import { bpToPercentText } from "~/domain/qa-sampling";
import type { Role } from "~/generated/prisma/enums";
import { getViewerScope } from "~/models/claim.server";
import { getQaOverview, takeNextQaTask } from "~/models/qa-checks.server";
import { requireRole } from "~/utils/auth.server";
import { parseForm } from "~/utils/forms";
import { formatDateTime } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Quality checks · Accounting Factory" }];

const VIEWER_ROLES = ["QA", "SUPERVISOR", "ADMIN"] as const satisfies readonly Role[];
const POLL_MS = 10_000;

/** The one form here: "Next" (a button, so nothing to validate in the browser). */
const NextSchema = z.object({ intent: z.literal("next") });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...VIEWER_ROLES);
  const oversees = hasRole(user, "SUPERVISOR", "ADMIN");
  // Overseers see everybody's recent checks, on the claims of their companies only.
  const overview = await getQaOverview({ viewer: user, allReviewers: oversees, ...(oversees ? { companyIds: (await getViewerScope(user.id)).companyIds } : {}) });
  const now = Date.now();
  const { oldestOpenAt, ...rest } = overview;
  return {
    ...rest,
    // Computed here, so server and browser render the same text.
    oldestAgeMinutes: oldestOpenAt ? ageMinutes(oldestOpenAt, now) : null,
    canTake: hasRole(user, "QA"),
    oversees,
    timeZone: user.timeZone,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "QA");
  if (parseForm(await request.formData(), NextSchema).status !== "success") throw new Response("Bad request", { status: 400 });
  try {
    const taken = await takeNextQaTask({ reviewer: user });
    return taken ? redirect(`/work/${taken.taskId}`) : { outcome: "empty" as const };
  } catch (err) {
    if (isAppError(err)) return { outcome: "empty" as const };
    throw err;
  }
}

export default function QaHome() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("quality");
  const locale = i18n.language;
  const formRef = useRef<HTMLFormElement>(null);
  const taking = navigation.state !== "idle" && navigation.formData?.get("intent") === "next";
  usePollWhile(true, POLL_MS);

  useEffect(() => {
    if (!data.canTake || taking) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.key !== "n" && e.key !== "N") || e.repeat || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (isTypingTarget(e.target instanceof HTMLElement ? e.target : null)) return;
      e.preventDefault();
      formRef.current?.requestSubmit();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [data.canTake, taking]);

  const rate = data.last30.checked > 0 ? Math.round((data.last30.errors * 10_000) / data.last30.checked) : null;
  const number = (n: number) => numberFormat(locale).format(n);

  return (
    <>
      <div className="page-head">
        <h1>{t("page.title")}</h1>
        <div className="row">
          <span className="muted small">{t("page.live")}</span>
          {data.oversees ? <Link to="/qa/settings" className="button button-small">{t("page.settings")}</Link> : null}
        </div>
      </div>

      {data.canTake ? (
        <section className="card queue-next" aria-labelledby="qa-next-label">
          <Form method="post" ref={formRef} className="queue-next-form">
            <input type="hidden" name="intent" value="next" />
            <button type="submit" className="button button-primary button-next" disabled={taking} aria-keyshortcuts="n" data-testid="qa-next">
              {taking ? t("page.taking") : t("page.next")}
              <kbd aria-hidden>N</kbd>
            </button>
          </Form>
          <div className="queue-next-text">
            <p id="qa-next-label" className="queue-waiting">
              {data.open > 0 ? t("page.waiting", { count: data.open }) : t("page.nothingWaiting")}
            </p>
            <p className="muted small">{t("page.shortcut")}</p>
          </div>
          {result?.outcome === "empty" ? (
            <div className="notice queue-empty" role="status" data-testid="qa-empty">
              <strong>{t("page.empty")}</strong>
              {data.open > 0 ? <p>{t("page.emptyHint")}</p> : null}
            </div>
          ) : null}
        </section>
      ) : (
        <p className="notice">{t("page.readOnly")}</p>
      )}

      <section className="card">
        <dl className="queue-stats qa-stats" data-testid="qa-stats">
          <div>
            <dt>{t("page.open")}</dt>
            <dd className={`queue-count${data.open === 0 ? " queue-count-quiet" : ""}`} data-testid="qa-open">{number(data.open)}</dd>
          </div>
          <div>
            <dt>{t("page.oldest")}</dt>
            <dd className="queue-count" data-testid="qa-oldest">
              {data.oldestAgeMinutes === null ? t("page.none") : formatAge(data.oldestAgeMinutes, locale, t("page.underAMinute"))}
            </dd>
          </div>
          <div>
            <dt>{t("page.inProgress")}</dt>
            <dd className="queue-count">{number(data.inProgress)}</dd>
          </div>
          <div>
            <dt>{t("page.last30")}</dt>
            <dd className="queue-count">{number(data.last30.checked)}</dd>
          </div>
          <div className="queue-stat-wide">
            <dt>{t("page.errors30")}</dt>
            <dd>
              <span className="queue-count">{number(data.last30.errors)}</span>{" "}
              {rate !== null ? <span className="muted">{t("page.errorRate", { rate: number(rate) })}</span> : null}
            </dd>
          </div>
        </dl>
      </section>

      {data.mine.length > 0 ? (
        <section className="card">
          <h2>{t("page.mine")}</h2>
          <ul className="qa-mine">
            {data.mine.map((m) => (
              <li key={m.qaTaskId}>
                <Link to={`/work/${m.qaTaskId}`} className="mono">{m.claimNumber}</Link>{" "}
                <span className="muted small">{m.startedAt ? t("page.startedAt", { when: formatDateTime(m.startedAt, locale, data.timeZone) }) : null}</span>{" "}
                <Link to={`/work/${m.qaTaskId}`} className="button button-small">{t("page.continue")}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" data-testid="qa-recent">
        <h2>{data.oversees ? t("page.recentAll") : t("page.recentMine")}</h2>
        {data.recent.length === 0 ? (
          <p className="muted">{t("page.noRecent")}</p>
        ) : (
          <div className="table-wrap flat">
            <table className="data qa-table">
              <thead>
                <tr>
                  <th>{t("table.claim")}</th>
                  <th>{t("table.operator")}</th>
                  {data.oversees ? <th>{t("table.reviewer")}</th> : null}
                  <th>{t("table.stratum")}</th>
                  <th>{t("table.result")}</th>
                  <th>{t("table.checkedAt")}</th>
                </tr>
              </thead>
              <tbody>
                {data.recent.map((r) => (
                  <tr key={r.qaTaskId} data-testid="qa-check-row" data-outcome={r.outcome ?? ""}>
                    <td>
                      <Link to={`/work/${r.qaTaskId}`} className="mono">{r.claimNumber}</Link>
                    </td>
                    <td>{r.operatorName}</td>
                    {data.oversees ? <td>{r.reviewerName ?? "—"}</td> : null}
                    <td>
                      {t(`stratum.${r.stratum}`)} <span className="muted small">{bpToPercentText(r.sampleRateBp)}%</span>
                    </td>
                    <td>
                      <span className={`badge ${r.outcome === "error" ? "badge-REJECTED" : "badge-APPROVED"}`}>{r.outcome ? t(`outcome.${r.outcome}`) : "—"}</span>
                      {r.outcome === "error" && r.errorType ? (
                        <span className="small">
                          {" "}
                          {t(`errorType.${r.errorType}`)} · {r.severity ? t(`severity.${r.severity}`) : ""}
                        </span>
                      ) : null}
                    </td>
                    <td className="small">{r.checkedAt ? formatDateTime(r.checkedAt, locale, data.timeZone) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = RouteError;
