import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { errorText } from "~/components/archive-boxes-text";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { LOCATION_KINDS } from "~/domain/archive-boxes";
import { createLocation, listLocations } from "~/models/archive-boxes.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { ARCHIVE_STAFF, ARCHIVE_WORKERS } from "~/domain/archive-roles";

export const meta: MetaFunction = () => [{ title: "Archive locations · Accounting Factory" }];

/** The SSC's locations (shelves, off-site store) with the number of the viewer's companies' boxes in each. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  try {
    return { user: { roles: user.roles }, locations: await listLocations(user), canCreate: hasRole(user, ...ARCHIVE_WORKERS) };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** ARCHIVIST or ADMIN adds a location (createLocation checks the fields; the code is unique). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_WORKERS);
  const form = await request.formData();
  const str = (k: string) => String(form.get(k) ?? "");
  try {
    await createLocation(user, { code: str("code"), name: str("name"), nameZh: str("nameZh"), kind: str("kind") });
    return redirect(`/archive/boxes/locations?created=${encodeURIComponent(str("code").trim().toUpperCase())}`);
  } catch (err) {
    if (err instanceof AppError) return { error: err.reason ?? err.code, fieldErrors: err.fieldErrors };
    throw err;
  }
}

export default function ArchiveLocations() {
  const { user, locations, canCreate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("archiveBoxes");
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const created = params.get("created");
  const fieldError = (name: string) =>
    result?.fieldErrors?.[name] ? (
      <span className="field-error" id={`${name}-error`}>
        {errorText(t, result.fieldErrors[name])}
      </span>
    ) : null;
  const invalid = (name: string) => (result?.fieldErrors?.[name] ? true : undefined);
  return (
    <>
      <div className="page-head">
        <h1>{t("locations.title")}</h1>
      </div>
      <ArchiveNav roles={user.roles} />
      <p className="muted">{t("locations.intro")}</p>
      {created ? (
        <p className="notice" role="status">
          {t("locations.created", { code: created })}
        </p>
      ) : null}
      <section className="card">
        {locations.length === 0 ? (
          <p className="empty">{t("locations.empty")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data responsive" data-testid="location-list">
              <thead>
                <tr>
                  <th scope="col">{t("field.code")}</th>
                  <th scope="col">{t("field.name")}</th>
                  <th scope="col">{t("field.nameZh")}</th>
                  <th scope="col">{t("field.kind")}</th>
                  <th scope="col" className="num">
                    {t("field.boxes")}
                  </th>
                  <th scope="col" className="num">
                    {t("field.openBoxes")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {locations.map((l) => (
                  <tr key={l.id} data-testid={`location-${l.code}`}>
                    <td data-label={t("field.code")} className="mono">
                      <Link to={`/archive/boxes?location=${l.id}`}>{l.code}</Link>
                    </td>
                    <td data-label={t("field.name")}>{l.name}</td>
                    <td data-label={t("field.nameZh")}>{l.nameZh}</td>
                    <td data-label={t("field.kind")}>{t(`kind.${l.kind}`)}</td>
                    <td data-label={t("field.boxes")} className="num">
                      {l.boxes}
                    </td>
                    <td data-label={t("field.openBoxes")} className="num">
                      {l.openBoxes}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {canCreate ? (
        <section className="card" aria-labelledby="add-location">
          <h2 id="add-location">{t("locations.add")}</h2>
          <Form method="post" className="row" data-testid="create-location">
            <label className="field" style={{ width: "9rem" }}>
              <span>{t("field.code")}</span>
              <input name="code" required maxLength={24} className="mono" aria-invalid={invalid("code")} />
              {fieldError("code")}
            </label>
            <label className="field">
              <span>{t("field.name")}</span>
              <input name="name" required maxLength={100} aria-invalid={invalid("name")} />
              {fieldError("name")}
            </label>
            <label className="field">
              <span>{t("field.nameZh")}</span>
              <input name="nameZh" required maxLength={100} aria-invalid={invalid("nameZh")} />
              {fieldError("nameZh")}
            </label>
            <label className="field">
              <span>{t("field.kind")}</span>
              <select name="kind" defaultValue="SHELF">
                {LOCATION_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`kind.${k}`)}
                  </option>
                ))}
              </select>
              {fieldError("kind")}
            </label>
            <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>
              {t("locations.submit")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
