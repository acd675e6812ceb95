import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { RouteError } from "~/components/route-error";
import { isAppError } from "~/domain/app-error";
import { ARCHIVE_REQUEST_KINDS, MAX_PERIOD_DAYS, PURPOSE_KINDS, addDays, sscToday } from "~/domain/archive-access";
import { createArchiveRequest, NewArchiveRequestSchema } from "~/models/archive-requests.server";
import { requireUser } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { formErrorCode } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "New archive request · Accounting Factory" }];

/** Anyone signed in may ask; ?kind=BORROW&box=… or ?claim=… fill the form in. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const today = sscToday(new Date());
  const kind = url.searchParams.get("kind") === "BORROW" ? "BORROW" : "VIEW";
  return {
    roles: user.roles,
    today,
    defaults: { kind, claimNumber: url.searchParams.get("claim") ?? "", boxLabel: url.searchParams.get("box") ?? "", fromOn: today, toOn: addDays(today, 13) },
  };
}

type Reply = { errors: Record<string, string>; values: Record<string, string> };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await request.formData();
  const values = Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]));
  const parsed = NewArchiveRequestSchema.safeParse(values, { error: formErrorCode });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { errors, values } satisfies Reply;
  }
  try {
    const id = await createArchiveRequest(prisma, user, parsed.data);
    return redirect(`/archive/requests/${id}?created=1`);
  } catch (err) {
    if (isAppError(err, "invalid")) return { errors: err.fieldErrors, values } satisfies Reply;
    throw err;
  }
}

export default function NewArchiveRequest() {
  const { roles, today, defaults } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const { t } = useTranslation("archiveAccess");
  const navigation = useNavigation();
  const v: Record<string, string> = reply?.values ?? defaults;
  const [kind, setKind] = useState<string>(v.kind ?? "VIEW");
  const err = (name: string) =>
    reply?.errors[name] ? (
      <span className="field-error" id={`${name}-error`} data-testid={`error-${name}`}>
        {t(`newRequest.errors.${reply.errors[name]}`, { defaultValue: t("newRequest.errors.invalid") })}
      </span>
    ) : null;
  return (
    <>
      <div className="page-head">
        <h1>{t("newRequest.title")}</h1>
      </div>
      <ArchiveNav roles={roles} />
      <Form method="post" className="card stack" style={{ maxWidth: "40rem" }} noValidate>
        <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="muted" style={{ fontSize: "0.85rem", fontWeight: 500 }}>
            {t("newRequest.kind")}
          </legend>
          <div className="row">
            {ARCHIVE_REQUEST_KINDS.map((k) => (
              <label key={k} className="row" style={{ gap: "0.35rem", alignItems: "center" }}>
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`kind-${k}`} />
                {t(`kind.${k}`)}
              </label>
            ))}
          </div>
        </fieldset>
        {kind === "VIEW" ? (
          <label className="field">
            <span>{t("newRequest.claimNumber")}</span>
            <input name="claimNumber" defaultValue={v.claimNumber ?? ""} placeholder={t("newRequest.claimNumberHint")} maxLength={40} autoComplete="off" aria-invalid={!!reply?.errors.claimNumber} aria-describedby="claimNumber-error" />
            {err("claimNumber")}
          </label>
        ) : (
          <label className="field">
            <span>{t("newRequest.boxLabel")}</span>
            <input name="boxLabel" defaultValue={v.boxLabel ?? ""} placeholder={t("newRequest.boxLabelHint")} maxLength={60} autoComplete="off" aria-invalid={!!reply?.errors.boxLabel} aria-describedby="boxLabel-error" />
            {err("boxLabel")}
          </label>
        )}
        <label className="field">
          <span>{t("newRequest.purposeKind")}</span>
          <select name="purposeKind" defaultValue={v.purposeKind ?? "AUDIT"}>
            {PURPOSE_KINDS.map((p) => (
              <option key={p} value={p}>
                {t(`purpose.${p}`)}
              </option>
            ))}
          </select>
          {err("purposeKind")}
        </label>
        <label className="field">
          <span>{t("newRequest.purpose")}</span>
          <textarea name="purpose" rows={3} maxLength={500} defaultValue={v.purpose ?? ""} placeholder={t("newRequest.purposeHint")} aria-invalid={!!reply?.errors.purpose} aria-describedby="purpose-error" />
          {err("purpose")}
        </label>
        <div className="row">
          <label className="field">
            <span>{t("newRequest.fromOn")}</span>
            <input type="date" name="fromOn" min={today} defaultValue={v.fromOn ?? ""} aria-invalid={!!reply?.errors.fromOn} aria-describedby="fromOn-error period-hint" />
            {err("fromOn")}
          </label>
          <label className="field">
            <span>{t("newRequest.toOn")}</span>
            <input type="date" name="toOn" min={today} defaultValue={v.toOn ?? ""} aria-invalid={!!reply?.errors.toOn} aria-describedby="toOn-error period-hint" />
            {err("toOn")}
          </label>
        </div>
        <p className="muted" id="period-hint" style={{ margin: 0, fontSize: "0.85rem" }}>
          {t("newRequest.periodHint", { max: MAX_PERIOD_DAYS })}
        </p>
        <div className="row">
          <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"} data-testid="send-request">
            {t("newRequest.submit")}
          </button>
          <Link to="/archive/requests" className="button">
            {t("newRequest.cancel")}
          </Link>
        </div>
      </Form>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
