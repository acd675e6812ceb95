import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError } from "~/components/field-error";
import { RouteError } from "~/components/route-error";
import { PaperSettingsForm } from "~/domain/paper-check";
import { listPaperSettings, setPaperSettings } from "~/models/paper-check.server";
import { replyWithError, throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { localName } from "~/utils/format";
import { parseForm, replyReason } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Archive and paper · Accounting Factory" }];

/** Admins: their companies' paper settings (listPaperSettings reads only the caller's companies). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  try {
    return { companies: await listPaperSettings(user) };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** Admins set one of their companies' settings (another company is not found, shown on the page); audited. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const submission = parseForm(await request.formData(), PaperSettingsForm);
  if (submission.status !== "success") return submission.reply();
  try {
    const { intent: _intent, ...input } = submission.value;
    await setPaperSettings(user, input);
    return redirect(`/admin/paper?saved=${encodeURIComponent(input.companyId)}`);
  } catch (err) {
    return replyWithError(submission, err, { status: 200 });
  }
}

type Reply = { status?: string; error?: Record<string, string[] | null> | null; initialValue?: Record<string, unknown> | null } | undefined;

export default function AdminPaper() {
  const { companies } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply;
  const { t, i18n } = useTranslation("admin");
  const locale = i18n.language;
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const saved = companies.find((c) => c.companyId === params.get("saved"));
  const failedFor = reply?.status === "error" ? String(reply.initialValue?.companyId ?? "") : "";
  const formError = reply?.status === "error" ? (replyReason(reply as never) ?? reply.error?.[""]?.[0]) : undefined;
  return (
    <>
      <div className="page-head">
        <h1>{t("paper.title")}</h1>
      </div>
      <p className="muted">{t("paper.intro")}</p>
      {saved ? (
        <p className="notice" role="status" data-testid="paper-saved">
          {t("paper.saved", { company: localName(saved, locale) })}
        </p>
      ) : null}
      {formError ? <p className="form-error" role="alert" data-testid="paper-error">{t(`paper.errors.${formError}`, { defaultValue: formError })}</p> : null}
      {companies.length === 0 ? <p className="empty card">{t("paper.noCompanies")}</p> : null}
      {companies.map((c) => (
        <section key={c.companyId} className="card paper-section" aria-labelledby={`paper-${c.companyId}`} data-testid={`paper-${c.code}`}>
          <h2 id={`paper-${c.companyId}`}>
            {localName(c, locale)} <span className="mono muted small">{c.code}</span>{" "}
            <span className={`badge ${c.payOnPaper ? "badge-AT_RISK" : "badge-APPROVED"}`}>{c.payOnPaper ? t("paper.onPaper") : t("paper.onImage")}</span>
          </h2>
          <dl className="facts">
            <div>
              <dt>{t("paper.awaiting")}</dt>
              <dd>{c.awaiting.toLocaleString(locale)}</dd>
            </div>
            <div>
              <dt>{t("paper.overdue")}</dt>
              <dd>{c.overdue.toLocaleString(locale)}</dd>
            </div>
          </dl>
          <Form method="post" className="stack" style={{ marginTop: "0.75rem" }}>
            <input type="hidden" name="intent" value="paper-settings" />
            <input type="hidden" name="companyId" value={c.companyId} />
            <label className="choice">
              <input type="checkbox" name="payOnPaper" defaultChecked={c.payOnPaper} /> {t("paper.payOnPaper")}
            </label>
            <label>
              {t("paper.dueDays")}
              <input type="number" name="originalsDueWorkingDays" min={1} max={120} step={1} required defaultValue={c.originalsDueWorkingDays} style={{ maxWidth: "8rem", display: "block" }} />
            </label>
            {failedFor === c.companyId ? <FieldError errors={reply?.error?.originalsDueWorkingDays ?? undefined} name="originalsDueWorkingDays" ns="admin" prefix="paper.errors" /> : null}
            <div>
              <button type="submit" className="button button-primary" disabled={navigation.state !== "idle"}>{t("paper.save")}</button>
            </div>
          </Form>
        </section>
      ))}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
