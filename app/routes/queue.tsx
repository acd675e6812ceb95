import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { formatAge } from "~/components/format-age";
import { PaperFloorPanel } from "~/components/paper-floor";
import { RouteError } from "~/components/route-error";
import { useKeyboardShortcuts } from "~/components/use-keyboard-shortcuts";
import { usePollWhile } from "~/components/use-poll-while";
import { queueShortcut } from "~/components/workstation-shortcuts";
import { isAppError } from "~/domain/app-error";
import type { Role } from "~/generated/prisma/enums";
import { getViewerScope } from "~/models/claim.server";
import { paperFloor } from "~/models/paper-check.server";
import { queueSummary, takeNextTask } from "~/models/work-queue.server";
import { hasRole, requireRole } from "~/utils/auth.server";
import { formatDateTime, localName } from "~/utils/format";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Work queue · Accounting Factory" }];

const VIEWER_ROLES = ["ACCOUNTANT", "SUPERVISOR", "ADMIN"] as const satisfies readonly Role[];
const POLL_MS = 10_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...VIEWER_ROLES);
  // Supervisors and admins watch every group; an accountant sees the groups they work in.
  const oversees = hasRole(user, "SUPERVISOR") || hasRole(user, "ADMIN");
  // An overseer's counts cover the claims of the companies assigned to them only.
  const scope = oversees ? await getViewerScope(user.id) : null;
  const summary = await queueSummary({ userId: user.id, allGroups: oversees, ...(scope ? { companyIds: scope.companyIds } : {}) });
  // Overseers also watch the paper: overdue originals and open exceptions of their companies.
  const paper = scope ? await paperFloor(scope.companyIds) : null;
  const now = Date.now();
  return {
    canTake: hasRole(user, "ACCOUNTANT"),
    oversees,
    timeZone: user.timeZone,
    // Ages are computed here, so server and browser render the same text.
    groups: summary.groups.map(({ oldestOpenAt, ...g }) => ({
      ...g,
      oldestAgeMinutes: oldestOpenAt ? Math.max(0, Math.floor((now - oldestOpenAt.getTime()) / 60_000)) : null,
    })),
    myTasks: summary.myTasks,
    paper,
  };
}

/** The Next form: nothing but its intent. */
const NextSchema = z.object({ intent: z.literal("next") });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT");
  const submission = parseForm(await request.formData(), NextSchema);
  if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
  try {
    const taken = await takeNextTask({ accountant: user });
    if (!taken) return { outcome: "empty" as const };
    return redirect(`/work/${taken.taskId}`);
  } catch (err) {
    // Another accountant's transaction moved the claim first: the page says so, and Next again.
    if (isAppError(err, "stale")) return { outcome: "conflict" as const };
    throw err;
  }
}

export default function Queue() {
  const { canTake, oversees, groups, myTasks, timeZone, paper } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("floor");
  const locale = i18n.language;
  const formRef = useRef<HTMLFormElement>(null);
  const taking = navigation.state !== "idle" && navigation.formData?.get("intent") === "next";
  usePollWhile(true, POLL_MS);
  useKeyboardShortcuts(queueShortcut, () => formRef.current?.requestSubmit(), canTake && !taking);

  const memberGroups = groups.filter((g) => g.member);
  const waiting = memberGroups.reduce((n, g) => n + g.open, 0);

  return (
    <>
      <div className="page-head">
        <h1>{t("queue.title")}</h1>
        <span className="muted small">{t("queue.live")}</span>
        {oversees ? <Link to="/queue/tasks" className="button">{t("queue.floorLink")}</Link> : null}
      </div>

      {canTake ? (
        <section className="card queue-next" aria-labelledby="queue-next-label">
          <Form method="post" ref={formRef} className="queue-next-form">
            <input type="hidden" name="intent" value="next" />
            <button type="submit" className="button button-primary button-next" disabled={taking} aria-keyshortcuts="n">
              {taking ? t("queue.taking") : t("queue.next")}
              <kbd aria-hidden>N</kbd>
            </button>
          </Form>
          <div className="queue-next-text">
            <p id="queue-next-label" className="queue-waiting">
              {memberGroups.length === 0 ? t("queue.noGroups") : waiting > 0 ? t("queue.waiting", { count: waiting }) : t("queue.nothingWaiting")}
            </p>
            <p className="muted small">{t("queue.shortcut")}</p>
          </div>
          {result?.outcome === "empty" ? (
            <div className="notice queue-empty" role="status">
              <strong>{t("queue.empty")}</strong>
              <p>{t("queue.emptyHint")}</p>
            </div>
          ) : result?.outcome === "conflict" ? (
            <p className="form-error" role="alert">{t("queue.conflict")}</p>
          ) : null}
        </section>
      ) : (
        <p className="notice">{t("queue.viewOnly")}</p>
      )}

      <h2>{t("queue.groups")}</h2>
      {groups.length === 0 ? (
        <p className="empty card">{canTake ? t("queue.noGroups") : t("queue.noGroupsAtAll")}</p>
      ) : (
        <ul className="queue-groups">
          {groups.map((g) => (
            <li key={g.id} className={`card queue-group${g.member ? "" : " queue-group-other"}`}>
              <div className="queue-group-head">
                <h3>{localName(g, locale)}</h3>
                <span className="mono muted small">{g.code}</span>
              </div>
              {!g.member && canTake ? <p className="muted small queue-group-note">{t("queue.notMember")}</p> : null}
              <dl className="queue-stats">
                <div>
                  <dt>{t("queue.open")}</dt>
                  <dd className="queue-count">{g.open.toLocaleString(locale)}</dd>
                </div>
                <div>
                  <dt>{t("queue.inProgress")}</dt>
                  <dd className="queue-count queue-count-quiet">{g.inProgress.toLocaleString(locale)}</dd>
                </div>
                <div className="queue-stat-wide">
                  <dt>{t("queue.oldest")}</dt>
                  <dd>{g.oldestAgeMinutes === null ? t("queue.none") : formatAge(g.oldestAgeMinutes, locale, t("age.underAMinute"))}</dd>
                </div>
              </dl>
              {g.atRisk > 0 || g.breached > 0 ? (
                <p className="queue-sla">
                  {g.breached > 0 ? <span className="badge badge-BREACHED">{t("queue.breached", { count: g.breached })}</span> : null}
                  {g.atRisk > 0 ? <span className="badge badge-AT_RISK">{t("queue.atRisk", { count: g.atRisk })}</span> : null}
                </p>
              ) : null}
              {oversees && g.open + g.inProgress > 0 ? (
                <p className="queue-group-link">
                  <Link to={`/queue/tasks?group=${encodeURIComponent(g.id)}`}>{t("queue.groupTasksLink", { count: g.open + g.inProgress })}</Link>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}

      {canTake ? (
        <>
          <h2>{t("queue.myTasks")}</h2>
          <div className="table-wrap">
            {myTasks.length === 0 ? (
              <p className="empty">{t("queue.myTasksEmpty")}</p>
            ) : (
              <table className="data responsive">
                <thead>
                  <tr>
                    <th>{t("queue.claimNumber")}</th>
                    <th>{t("queue.purpose")}</th>
                    <th>{t("queue.takenAt")}</th>
                    <th>{t("queue.sla")}</th>
                  </tr>
                </thead>
                <tbody>
                  {myTasks.map((task) => (
                    <tr key={task.taskId}>
                      <td data-label={t("queue.claimNumber")}>
                        <Link to={`/work/${task.taskId}`} className="mono">{task.claimNumber}</Link>
                      </td>
                      <td data-label={t("queue.purpose")}>{task.purpose || <span className="muted">{t("queue.noPurpose")}</span>}</td>
                      <td data-label={t("queue.takenAt")}>{task.startedAt ? formatDateTime(task.startedAt, locale, timeZone) : "—"}</td>
                      <td data-label={t("queue.sla")}>
                        <span className={`badge badge-${task.slaState}`}>{t(`sla.${task.slaState}`)}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </>
      ) : null}

      {paper ? <PaperFloorPanel paper={paper} timeZone={timeZone} /> : null}
    </>
  );
}

export const ErrorBoundary = RouteError;
