import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { errorText, localCompany } from "~/components/archive-boxes-text";
import { RouteError } from "~/components/route-error";
import { AppError } from "~/domain/app-error";
import { schemeFieldErrors, schemePreview, type SchemeFieldErrors } from "~/domain/archive-boxes";
import { listSchemeSettings, setArchiveScheme, type SchemeSetting } from "~/models/archive-boxes.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Archive numbering scheme · Accounting Factory" }];

/** ADMIN: the numbering scheme of each company they are assigned to (user_company). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  try {
    return { user: { roles: user.roles }, companies: await listSchemeSettings(user) };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** ADMIN sets a company's scheme; setArchiveScheme checks the company is theirs and each template (parseArchiveScheme), audited. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const form = await request.formData();
  const companyId = String(form.get("companyId") ?? "");
  try {
    await setArchiveScheme(user, { companyId, box: String(form.get("box") ?? ""), position: String(form.get("position") ?? "") });
    return redirect(`/archive/boxes/settings?saved=${encodeURIComponent(companyId)}`);
  } catch (err) {
    if (err instanceof AppError) return { companyId, error: err.code, fieldErrors: err.fieldErrors, details: err.details as Record<string, string> };
    throw err;
  }
}

function SchemeError({ error, field }: { error: SchemeFieldErrors[keyof SchemeFieldErrors] | undefined; field: string }) {
  const { t } = useTranslation("archiveBoxes");
  if (!error) return null;
  return (
    <span className="field-error" id={`${field}-error`} data-testid={`${field}-error`}>
      {t(`schemeError.${error.code}`, { detail: error.detail ?? "" })}
    </span>
  );
}

function CompanyScheme({ company }: { company: SchemeSetting }) {
  const { t, i18n } = useTranslation("archiveBoxes");
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const [box, setBox] = useState(company.scheme.box);
  const [position, setPosition] = useState(company.scheme.position);
  // The same domain code the server checks with: errors per field and the preview, as the admin types.
  const live = schemeFieldErrors({ box, position });
  const mine = result?.companyId === company.id ? result : undefined;
  const serverError = (field: "box" | "position") => {
    const code = mine?.fieldErrors?.[field];
    return code ? { code: code as NonNullable<SchemeFieldErrors["box"]>["code"], detail: mine?.details?.[`${field}Detail`] } : undefined;
  };
  const boxError = live.box ?? serverError("box");
  const positionError = live.position ?? serverError("position");
  const preview = schemePreview({ box, position }, { company: company.code, year: company.year, type: "BX", box: company.nextBoxNo });
  return (
    <section className="card" aria-labelledby={`scheme-${company.id}`} data-testid={`scheme-${company.code}`}>
      <h2 id={`scheme-${company.id}`}>
        {localCompany(company, i18n.language)} <span className="badge">{company.isDefault ? t("settings.isDefault") : t("settings.custom")}</span>
      </h2>
      {params.get("saved") === company.id ? (
        <p className="notice" role="status">
          {t("settings.saved")}
        </p>
      ) : null}
      {mine?.error && mine.error !== "invalid" ? (
        <p className="form-error" role="alert">
          {errorText(t, mine.error)}
        </p>
      ) : null}
      <Form method="post" className="row">
        <input type="hidden" name="companyId" value={company.id} />
        <label className="field" style={{ flex: "2 1 18rem" }}>
          <span>{t("settings.box")}</span>
          <input name="box" value={box} onChange={(e) => setBox(e.target.value)} className="mono" spellCheck={false} autoComplete="off" aria-invalid={boxError ? true : undefined} aria-describedby={boxError ? `${company.code}-box-error` : undefined} />
          <SchemeError error={boxError} field={`${company.code}-box`} />
        </label>
        <label className="field" style={{ flex: "1 1 9rem" }}>
          <span>{t("settings.position")}</span>
          <input name="position" value={position} onChange={(e) => setPosition(e.target.value)} className="mono" spellCheck={false} autoComplete="off" aria-invalid={positionError ? true : undefined} aria-describedby={positionError ? `${company.code}-position-error` : undefined} />
          <SchemeError error={positionError} field={`${company.code}-position`} />
        </label>
        <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>
          {t("settings.save")}
        </button>
      </Form>
      <dl className="facts" style={{ marginTop: "0.75rem" }} aria-live="polite">
        <div>
          <dt>
            {t("settings.preview")} ({company.year}, BX)
          </dt>
          <dd className="mono" data-testid="preview-box">
            {preview?.box ?? t("settings.previewNone")}
          </dd>
        </div>
        <div>
          <dt>{t("settings.previewPosition")}</dt>
          <dd className="mono" data-testid="preview-position">
            {preview?.position ?? t("settings.previewNone")}
          </dd>
        </div>
      </dl>
    </section>
  );
}

export default function ArchiveSchemeSettings() {
  const { user, companies } = useLoaderData<typeof loader>();
  const { t } = useTranslation("archiveBoxes");
  return (
    <>
      <div className="page-head">
        <h1>{t("settings.title")}</h1>
      </div>
      <ArchiveNav roles={user.roles} />
      <p className="muted">{t("settings.intro")}</p>
      {companies.length === 0 ? <p className="empty card">{t("noCompanies")}</p> : null}
      {companies.map((c) => (
        <CompanyScheme key={c.id} company={c} />
      ))}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
