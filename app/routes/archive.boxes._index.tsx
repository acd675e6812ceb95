import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { CompanyYearFilter, yearsBack } from "~/components/company-year-filter";
import { errorText, localCompany } from "~/components/archive-boxes-text";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { ARCHIVE_DOCUMENT_TYPES } from "~/domain/archive-numbering";
import { BOX_STATUSES } from "~/domain/archive-boxes";
import { archiveCompanies } from "~/models/archive-staff.server";
import { createBox, findClaimBox, listBoxes, listLocations, type BoxFilters } from "~/models/archive-boxes.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { localName } from "~/utils/format";
import { ARCHIVE_STAFF, ARCHIVE_WORKERS } from "~/domain/archive-roles";

export const meta: MetaFunction = () => [{ title: "Archive boxes · Accounting Factory" }];

function filtersOf(url: URL): BoxFilters {
  const get = (k: string) => url.searchParams.get(k) || undefined;
  const year = Number(get("year"));
  return {
    companyId: get("company"),
    year: Number.isInteger(year) && year > 0 ? year : undefined,
    docType: get("type"),
    locationId: get("location"),
    status: get("status"),
  };
}

/** Archive staff: the boxes of their companies (user_company), filtered; "find a claim's box" by claim number. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  const url = new URL(request.url);
  const claim = (url.searchParams.get("claim") ?? "").trim();
  try {
    const [companies, locations, list, found] = await Promise.all([
      archiveCompanies(user),
      listLocations(user),
      listBoxes(user, filtersOf(url)),
      claim ? findClaimBox(user, claim) : Promise.resolve(null),
    ]);
    return { user: { roles: user.roles }, companies, locations, ...list, find: claim ? { text: claim, hit: found } : null, canCreate: hasRole(user, ...ARCHIVE_WORKERS), thisYear: new Date().getUTCFullYear(), years: yearsBack(new Date().getUTCFullYear(), 10, 1) };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** ARCHIVIST or ADMIN makes a box of one of their companies (createBox checks the company and numbers it). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_WORKERS);
  const form = await request.formData();
  const str = (k: string) => String(form.get(k) ?? "");
  try {
    const box = await createBox(user, { companyId: str("companyId"), year: Number(str("year")), docType: str("docType"), locationId: str("locationId"), capacity: str("capacity") ? Number(str("capacity")) : undefined });
    return redirect(`/archive/boxes/${box.id}?created=${encodeURIComponent(box.label)}`);
  } catch (err) {
    if (err instanceof AppError) return { error: err.reason ?? err.code, fieldErrors: err.fieldErrors };
    throw err;
  }
}

export default function ArchiveBoxes() {
  const { user, companies, locations, boxes, counts, find, canCreate, thisYear, years } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation("archiveBoxes");
  const lang = i18n.language;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const filtered = ["company", "year", "type", "location", "status"].some((k) => params.get(k));
  const fieldError = (name: string) =>
    result?.fieldErrors?.[name] ? (
      <span className="field-error" id={`${name}-error`}>
        {errorText(t, result.fieldErrors[name])}
      </span>
    ) : null;
  return (
    <>
      <div className="page-head">
        <h1>{t("title")}</h1>
      </div>
      <ArchiveNav roles={user.roles} />
      <p className="muted">{t("intro")}</p>

      <section className="card" aria-labelledby="find-title" data-testid="find-claim-box">
        <h2 id="find-title">{t("find.title")}</h2>
        <Form method="get" className="row">
          <label className="field" style={{ flex: "1 1 16rem" }}>
            <span>{t("find.claimNumber")}</span>
            <input name="claim" defaultValue={find?.text ?? ""} placeholder={t("find.placeholder")} autoComplete="off" spellCheck={false} className="mono" />
          </label>
          <button type="submit" className="button button-primary">
            {t("find.submit")}
          </button>
        </Form>
        {find ? (
          find.hit === null ? (
            <p className="form-error" role="alert" style={{ marginTop: "0.75rem" }} data-testid="find-result">
              {t("find.notFound", { number: find.text })}
            </p>
          ) : find.hit.box === null ? (
            <p className="notice" role="status" style={{ marginTop: "0.75rem" }} data-testid="find-result">
              {t("find.notFiled", { number: find.hit.claimNumber, status: t(`paperStatus.${find.hit.status}`) })}
            </p>
          ) : (
            <p className="notice" role="status" style={{ marginTop: "0.75rem" }} data-testid="find-result">
              {t("find.found", {
                number: find.hit.claimNumber,
                box: find.hit.box.label,
                position: find.hit.box.positionLabel,
                location: `${find.hit.box.location.code} ${localName(find.hit.box.location, lang)} (${t(`kind.${find.hit.box.location.kind}`)})`,
              })}{" "}
              <Link to={`/archive/boxes/${find.hit.box.id}`} data-testid="find-open-box">
                {t("find.open")}
              </Link>
            </p>
          )
        ) : null}
      </section>

      {companies.length === 0 ? (
        <p className="empty card" data-testid="no-companies">
          {t("noCompanies")}
        </p>
      ) : (
        <section className="card" aria-labelledby="boxes-title">
          <h2 id="boxes-title" className="visually-hidden">
            {t("subnav.boxes")}
          </h2>
          <Form method="get" className="row" style={{ marginBottom: "0.75rem" }}>
            <CompanyYearFilter companies={companies} company={params.get("company")} years={years} year={Number(params.get("year")) || null} />
            <label className="field">
              <span>{t("field.docType")}</span>
              <select name="type" defaultValue={params.get("type") ?? ""}>
                <option value="">{t("list.all")}</option>
                {ARCHIVE_DOCUMENT_TYPES.map((d) => (
                  <option key={d} value={d}>
                    {t(`docType.${d}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t("field.location")}</span>
              <select name="location" defaultValue={params.get("location") ?? ""}>
                <option value="">{t("list.all")}</option>
                {locations.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.code} {localName(l, lang)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t("field.status")}</span>
              <select name="status" defaultValue={params.get("status") ?? ""}>
                <option value="">{t("list.all")}</option>
                {BOX_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`status.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button">
              {t("list.apply")}
            </button>
            {filtered ? (
              <Link to="/archive/boxes" className="button">
                {t("list.clear")}
              </Link>
            ) : null}
          </Form>
          <p className="muted" data-testid="box-counts">
            {t("list.counts", counts)}
          </p>
          {boxes.length === 0 ? (
            <p className="empty">{filtered ? t("list.empty") : t("list.emptyAll")}</p>
          ) : (
            <div className="table-wrap">
              <table className="data responsive" data-testid="box-list">
                <thead>
                  <tr>
                    <th scope="col">{t("field.label")}</th>
                    <th scope="col">{t("field.company")}</th>
                    <th scope="col">{t("field.year")}</th>
                    <th scope="col">{t("field.docType")}</th>
                    <th scope="col">{t("field.location")}</th>
                    <th scope="col">{t("field.status")}</th>
                    <th scope="col" className="num">
                      {t("field.filled")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {boxes.map((b) => (
                    <tr key={b.id} data-testid={`box-${b.label}`}>
                      <td data-label={t("field.label")}>
                        <Link to={`/archive/boxes/${b.id}`} className="mono">
                          {b.label}
                        </Link>
                      </td>
                      <td data-label={t("field.company")}>{b.company.code}</td>
                      <td data-label={t("field.year")}>{b.year}</td>
                      <td data-label={t("field.docType")}>{t(`docTypeShort.${b.docType}`)}</td>
                      <td data-label={t("field.location")}>
                        {b.location.code} <span className="muted">{localName(b.location, lang)}</span>
                      </td>
                      <td data-label={t("field.status")}>
                        <span className={`badge ${b.status === "OPEN" ? "badge-READY" : ""}`}>{t(`status.${b.status}`)}</span>
                      </td>
                      <td data-label={t("field.filled")} className="num">
                        {t("list.fillOf", { filled: b.filled, capacity: b.capacity })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}

      {canCreate && companies.length > 0 ? (
        <section className="card" aria-labelledby="create-title">
          <h2 id="create-title">{t("create.title")}</h2>
          {locations.length === 0 ? (
            <p className="muted">
              {t("create.noLocations")} <Link to="/archive/boxes/locations">{t("subnav.locations")}</Link>
            </p>
          ) : (
            <Form method="post" className="row" data-testid="create-box">
              <label className="field">
                <span>{t("field.company")}</span>
                <select name="companyId" defaultValue={companies[0]?.id} aria-invalid={result?.fieldErrors?.companyId ? true : undefined}>
                  {companies.map((c) => (
                    <option key={c.id} value={c.id}>
                      {localCompany(c, lang)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field" style={{ width: "6rem" }}>
                <span>{t("field.year")}</span>
                <input name="year" inputMode="numeric" defaultValue={thisYear} required aria-invalid={result?.fieldErrors?.year ? true : undefined} />
                {fieldError("year")}
              </label>
              <label className="field">
                <span>{t("field.docType")}</span>
                <select name="docType" defaultValue="BX">
                  {ARCHIVE_DOCUMENT_TYPES.map((d) => (
                    <option key={d} value={d}>
                      {t(`docType.${d}`)}
                    </option>
                  ))}
                </select>
                {fieldError("docType")}
              </label>
              <label className="field">
                <span>{t("field.location")}</span>
                <select name="locationId" defaultValue={locations[0]?.id}>
                  {locations.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.code} {localName(l, lang)}
                    </option>
                  ))}
                </select>
                {fieldError("locationId")}
              </label>
              <label className="field" style={{ width: "6rem" }}>
                <span>{t("field.capacity")}</span>
                <input name="capacity" inputMode="numeric" defaultValue={200} aria-invalid={result?.fieldErrors?.capacity ? true : undefined} />
                {fieldError("capacity")}
              </label>
              <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>
                {t("create.submit")}
              </button>
            </Form>
          )}
          {result?.error && !Object.keys(result.fieldErrors ?? {}).length ? (
            <p className="form-error" role="alert" style={{ marginTop: "0.75rem" }}>
              {errorText(t, result.error)}
            </p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
