import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ageMinutes, formatAge } from "~/components/format-age";
import { RouteError } from "~/components/route-error";
import { usePollWhile } from "~/components/use-poll-while";
import { isAppError } from "~/domain/app-error";
import { floorTaskState, listFloorTasks } from "~/models/floor-tasks.server";
import { getViewerScope } from "~/models/claim.server";
import { queueSummary, reassignTask } from "~/models/work-queue.server";
import { hasRole, requireUser } from "~/utils/auth.server";
import { formatDateTime, formatTotals, localName } from "~/utils/format";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Floor · Accounting Factory" }];

const POLL_MS = 15_000;

/** Supervisors and admins watch the floor; only a supervisor re-assigns (reassignTask enforces it too). */
async function requireFloorViewer(request: Request) {
  const user = await requireUser(request);
  if (!hasRole(user, "SUPERVISOR") && !hasRole(user, "ADMIN")) throw new Response("Forbidden", { status: 403 });
  return user;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireFloorViewer(request);
  const url = new URL(request.url);
  // The floor shows the work of the companies assigned to the viewer (user_company), nothing else.
  const { companyIds } = await getViewerScope(user.id);
  const { groups } = await queueSummary({ userId: user.id, allGroups: true, companyIds });
  const requested = url.searchParams.get("group");
  const group = groups.find((g) => g.id === requested) ?? groups[0] ?? null;
  const page = Number(url.searchParams.get("page") ?? "1");
  const claimNumber = (url.searchParams.get("claim") ?? "").trim().slice(0, 64);
  const floor = group ? await listFloorTasks({ groupId: group.id, page, claimNumber: claimNumber || undefined, companyIds }) : null;
  const now = Date.now();
  return {
    canReassign: hasRole(user, "SUPERVISOR"),
    timeZone: user.timeZone,
    groups: groups.map((g) => ({ id: g.id, code: g.code, name: g.name, nameZh: g.nameZh, waiting: g.open + g.inProgress, atRisk: g.atRisk, breached: g.breached })),
    groupId: group?.id ?? null,
    claimNumber,
    floor: floor && {
      ...floor,
      // Ages are computed here, so server and browser render the same text.
      tasks: floor.tasks.map(({ createdAt, ...task }) => ({ ...task, ageMinutes: ageMinutes(createdAt, now) })),
    },
  };
}

/** One row's re-assign form: the task, the chosen accountant, and the status and holder the supervisor saw. */
const ReassignSchema = z.object({
  intent: z.literal("reassign"),
  taskId: z.string(),
  toUserId: z.string("choose"),
  seenStatus: z.string().optional(),
  seenHolder: z.string().optional(),
});

/** How a refusal of reassignTask reads on the floor. */
const FLOOR_CODE: Record<string, "stale" | "segregation" | "not_member" | "not_found"> = {
  not_reassignable: "stale",
  stale: "stale",
  not_found: "not_found",
  segregation: "segregation",
};

type ReassignResult =
  | { ok: true; taskId: string; status: "OPEN" | "IN_PROGRESS" }
  | { ok: false; taskId: string; code: "stale" | "segregation" | "not_member" | "not_found" | "choose" };

export async function action({ request }: ActionFunctionArgs): Promise<ReassignResult> {
  const user = await requireFloorViewer(request);
  if (!hasRole(user, "SUPERVISOR")) throw new Response("Forbidden", { status: 403 });
  const submission = parseForm(await request.formData(), ReassignSchema);
  if (submission.status !== "success") {
    // Only a missing choice is the supervisor's to fix; a form without its intent or task is not this page's.
    const taskId = submission.payload.taskId;
    if (typeof taskId !== "string" || !taskId || Object.keys(submission.error ?? {}).some((name) => name !== "toUserId")) {
      throw new Response("Bad request", { status: 400 });
    }
    return { ok: false, taskId, code: "choose" };
  }
  const { taskId, toUserId, seenStatus, seenHolder } = submission.value;
  // The form carries the status and holder the supervisor saw; if either moved since, they decide again.
  const now = await floorTaskState(taskId, await getViewerScope(user.id));
  if (!now) return { ok: false, taskId, code: "not_found" };
  if (now.status !== seenStatus || (now.holderId ?? "") !== (seenHolder ?? "")) return { ok: false, taskId, code: "stale" };
  try {
    const { status } = await reassignTask({ supervisor: user, taskId, toUserId });
    return { ok: true, taskId, status };
  } catch (err) {
    if (isAppError(err, "forbidden")) throw new Response("Forbidden", { status: 403 });
    if (!isAppError(err)) throw err;
    return { ok: false, taskId, code: FLOOR_CODE[err.code] ?? "not_member" };
  }
}

export default function FloorTasks() {
  const { canReassign, timeZone, groups, groupId, claimNumber, floor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation("floor");
  const locale = i18n.language;
  const busyTask = navigation.state !== "idle" ? navigation.formData?.get("taskId") : null;
  usePollWhile(true, POLL_MS);

  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return `?${next.toString()}`;
  };

  return (
    <>
      <div className="page-head">
        <h1>{t("floor.title")}</h1>
        <Link to="/queue" className="muted small">{t("floor.back")}</Link>
      </div>
      <p className="muted">{t(canReassign ? "floor.intro" : "floor.introViewOnly")}</p>

      {groups.length === 0 ? (
        <p className="empty card">{t("queue.noGroupsAtAll")}</p>
      ) : (
        <nav className="floor-groups" aria-label={t("floor.groups")}>
          {groups.map((g) => (
            <Link
              key={g.id}
              to={`?group=${encodeURIComponent(g.id)}`}
              className={`floor-group${g.id === groupId ? " floor-group-current" : ""}`}
              aria-current={g.id === groupId ? "page" : undefined}
            >
              <span>{localName(g, locale)}</span>
              <span className="floor-group-count">{g.waiting.toLocaleString(locale)}</span>
              {g.breached > 0 ? <span className="badge badge-BREACHED">{g.breached.toLocaleString(locale)}</span> : null}
              {g.atRisk > 0 ? <span className="badge badge-AT_RISK">{g.atRisk.toLocaleString(locale)}</span> : null}
            </Link>
          ))}
        </nav>
      )}

      {result ? (
        result.ok ? (
          <p className="notice" role="status">{t(result.status === "OPEN" ? "floor.reassignedOpen" : "floor.reassignedInProgress")}</p>
        ) : (
          <p className="form-error" role="alert">{t(`floor.errors.${result.code}`)}</p>
        )
      ) : null}

      {floor ? (
        <>
          <Form method="get" className="floor-find" role="search">
            <input type="hidden" name="group" value={groupId ?? ""} />
            <label className="field">
              <span>{t("floor.findLabel")}</span>
              <input name="claim" defaultValue={claimNumber} className="mono" placeholder={t("floor.findPlaceholder")} key={claimNumber} />
            </label>
            <button type="submit" className="button">{t("floor.find")}</button>
            {claimNumber ? <Link to={`?group=${encodeURIComponent(groupId ?? "")}`}>{t("floor.clearFind")}</Link> : null}
          </Form>
          <p className="floor-counts">
            <span>{t("floor.counts.open", { count: floor.counts.open })}</span>
            <span>{t("floor.counts.inProgress", { count: floor.counts.inProgress })}</span>
            {floor.counts.breached > 0 ? <span className="badge badge-BREACHED">{t("queue.breached", { count: floor.counts.breached })}</span> : null}
            {floor.counts.atRisk > 0 ? <span className="badge badge-AT_RISK">{t("queue.atRisk", { count: floor.counts.atRisk })}</span> : null}
          </p>
          <div className="table-wrap">
            {floor.tasks.length === 0 ? (
              <p className="empty">{claimNumber ? t("floor.notFound", { claim: claimNumber }) : t("floor.empty")}</p>
            ) : (
              <table className="data responsive" data-testid="floor-tasks">
                <thead>
                  <tr>
                    <th>{t("queue.sla")}</th>
                    <th>{t("queue.claimNumber")}</th>
                    <th>{t("floor.claimant")}</th>
                    <th>{t("floor.company")}</th>
                    <th className="num">{t("floor.total")}</th>
                    <th>{t("floor.age")}</th>
                    <th>{t("floor.statusAndHolder")}</th>
                    {canReassign ? <th>{t("floor.reassignTo")}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {floor.tasks.map((task) => {
                    const holder = task.status === "OPEN" ? task.preferred : task.assignee;
                    const failed = result && !result.ok && result.taskId === task.taskId;
                    return (
                      <tr key={task.taskId} data-testid="floor-task" data-claim={task.claimNumber} className={failed ? "floor-row-error" : undefined}>
                        <td data-label={t("queue.sla")}>
                          <span className={`badge badge-${task.slaState}`}>{t(`sla.${task.slaState}`)}</span>
                          {task.slaDueAt ? <div className="muted small floor-due">{t("floor.due", { at: formatDateTime(task.slaDueAt, locale, timeZone) })}</div> : null}
                        </td>
                        <td data-label={t("queue.claimNumber")} className="mono">{task.claimNumber}</td>
                        <td data-label={t("floor.claimant")}>{task.claimant.name}</td>
                        <td data-label={t("floor.company")}>{localName(task.company, locale)}</td>
                        <td data-label={t("floor.total")} className="num">
                          {formatTotals(task.totals.map((m) => ({ currency: m.currency, minor: BigInt(m.minor) })), locale)}
                        </td>
                        <td data-label={t("floor.age")} className="floor-nowrap">{formatAge(task.ageMinutes, locale, t("age.underAMinute"))}</td>
                        <td data-label={t("floor.statusAndHolder")}>
                          <div className="floor-holder">
                            <span>{t(`floor.statuses.${task.status}`)}</span>
                            {holder ? (
                              <span data-testid="floor-holder">
                                {holder.name}
                                {task.status === "OPEN" ? <span className="muted small"> {t("floor.preferred")}</span> : null}
                              </span>
                            ) : (
                              <span className="muted small">{t("floor.nobody")}</span>
                            )}
                          </div>
                        </td>
                        {canReassign ? (
                          <td data-label={t("floor.reassignTo")}>
                            {task.candidates.length === 0 ? (
                              <span className="muted small">{t("floor.noCandidates")}</span>
                            ) : (
                              <Form method="post" className="floor-reassign">
                                <input type="hidden" name="intent" value="reassign" />
                                <input type="hidden" name="taskId" value={task.taskId} />
                                <input type="hidden" name="seenStatus" value={task.status} />
                                <input type="hidden" name="seenHolder" value={holder?.id ?? ""} />
                                <select name="toUserId" defaultValue="" aria-label={t("floor.reassignLabel", { claim: task.claimNumber })} required>
                                  <option value="" disabled>{t("floor.choose")}</option>
                                  {task.candidates.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
                                </select>
                                <button type="submit" className="button button-small" disabled={busyTask === task.taskId}>
                                  {t("floor.reassign")}
                                </button>
                              </Form>
                            )}
                          </td>
                        ) : null}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </div>
          {floor.pages > 1 ? (
            <nav className="pager" aria-label={t("floor.pages")}>
              {floor.page > 1 ? <Link to={pageLink(floor.page - 1)}>{t("floor.previous")}</Link> : <span />}
              <span className="muted">{t("floor.page", { page: floor.page.toLocaleString(locale), pages: floor.pages.toLocaleString(locale) })}</span>
              {floor.page < floor.pages ? <Link to={pageLink(floor.page + 1)}>{t("floor.next")}</Link> : <span />}
            </nav>
          ) : null}
        </>
      ) : null}
    </>
  );
}

export const ErrorBoundary = RouteError;
