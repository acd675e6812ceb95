import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { RouteError } from "~/components/route-error";
import { endOwnSession, signOutEverywhere } from "~/models/sign-in.server";
import { requireUser } from "~/utils/auth.server";
import { clientFacts } from "~/utils/client.server";
import { env } from "~/utils/env.server";
import { formatDateTime } from "~/utils/format";
import { parseForm } from "~/utils/forms";
import { clearSessionCookie, listActiveSessions } from "~/utils/session.server";
import { describeUserAgent } from "~/utils/user-agent";

export const meta: MetaFunction = () => [{ title: "Account · Accounting Factory" }];

/** Any signed-in user: their own sessions only. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sessions = await listActiveSessions(user.id);
  return {
    user: { name: user.name, email: user.email, roles: user.roles, timeZone: user.timeZone },
    currentId: user.sessionId,
    sessions: sessions.map((s) => ({ id: s.id, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, ip: s.ip, device: describeUserAgent(s.userAgent) })),
    limits: { idleMinutes: env.SESSION_IDLE_MINUTES, maxHours: env.SESSION_MAX_HOURS },
  };
}

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("everywhere") }),
  z.object({ intent: z.literal("end"), sessionId: z.string().uuid() }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseForm(await request.formData(), ActionSchema);
  if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
  const form = submission.value;
  const client = clientFacts(request, context);
  if (form.intent === "everywhere") {
    await signOutEverywhere({ userId: user.id, client });
    return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie() } });
  }
  const ended = await endOwnSession({ userId: user.id, sessionId: form.sessionId, client });
  if (!ended) throw new Response("Not found", { status: 404 });
  if (form.sessionId === user.sessionId) return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie() } });
  return { ended: true };
}

export default function Account() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  return (
    <>
      <div className="page-head">
        <h1>{t("account.title")}</h1>
      </div>
      <p>
        <strong>{data.user.name}</strong> · {data.user.email} · {data.user.roles.map((r) => t(`roles.${r}`)).join(", ")}
      </p>
      <p>
        <Link to="/account/bank" className="button button-small" data-testid="bank-account-link">{t("bank:mine.link")}</Link>
      </p>
      <h2>{t("account.sessionsTitle")}</h2>
      <p className="muted">{t("account.sessionsHelp", { idle: data.limits.idleMinutes, hours: data.limits.maxHours })}</p>
      {result?.ended ? <p className="notice" role="status">{t("account.ended")}</p> : null}
      <div className="table-wrap">
        <table className="data responsive" data-testid="sessions">
          <thead>
            <tr>
              <th scope="col">{t("account.device")}</th>
              <th scope="col">{t("account.address")}</th>
              <th scope="col">{t("account.signedIn")}</th>
              <th scope="col">{t("account.lastSeen")}</th>
              <th scope="col"><span className="visually-hidden">{t("account.end")}</span></th>
            </tr>
          </thead>
          <tbody>
            {data.sessions.map((s) => (
              <tr key={s.id}>
                <td data-label={t("account.device")}>
                  {s.device ?? t("account.unknownDevice")}
                  {s.id === data.currentId ? <span className="badge badge-APPROVED"> {t("account.thisDevice")}</span> : null}
                </td>
                <td data-label={t("account.address")} className="mono">{s.ip ?? "—"}</td>
                <td data-label={t("account.signedIn")}>{formatDateTime(s.createdAt, i18n.language, data.user.timeZone)}</td>
                <td data-label={t("account.lastSeen")}>{formatDateTime(s.lastSeenAt, i18n.language, data.user.timeZone)}</td>
                <td>
                  {s.id === data.currentId ? null : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="end" />
                      <input type="hidden" name="sessionId" value={s.id} />
                      <button type="submit" className="button button-quiet">{t("account.end")}</button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="card stack" style={{ marginTop: "1.5rem" }}>
        <p>{t("account.everywhereHelp")}</p>
        <Form method="post">
          <input type="hidden" name="intent" value="everywhere" />
          <button type="submit" className="button button-danger" data-testid="sign-out-everywhere">{t("account.everywhere")}</button>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
