import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { RefusalMessage } from "~/components/retention-nav";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { listLegalHolds, RETENTION_STAFF, retentionCompanies, setLegalHold } from "~/models/retention.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";
import { refusalOf } from "~/utils/retention-refusal.server";

export const meta: MetaFunction = () => [{ title: "Legal holds · Accounting Factory" }];

/** Records under legal hold in the viewer's companies (archive staff read; admins place and lift). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...RETENTION_STAFF);
  try {
    const [companies, holds] = await Promise.all([retentionCompanies(user), listLegalHolds(user)]);
    return { roles: user.roles, companies, holds, canHold: hasRole(user, "ADMIN") };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** ADMIN places or lifts a hold by claim number; setLegalHold finds the record only in the admin's companies. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const claimNumber = String(form.get("claimNumber") ?? "");
  try {
    await setLegalHold({ viewer: user, claimNumber, hold: intent !== "lift", reason: String(form.get("reason") ?? "") });
    return redirect(`/archive/retention/holds?${new URLSearchParams({ [intent === "lift" ? "lifted" : "placed"]: claimNumber.trim() })}`);
  } catch (err) {
    return refusalOf(err);
  }
}

export default function LegalHolds() {
  const { roles, companies, holds, canHold } = useLoaderData<typeof loader>();
  const refusal = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retention");
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = navigation.state === "submitting";
  const placed = params.get("placed");
  const lifted = params.get("lifted");
  return (
    <>
      <div className="page-head">
        <h1>{t("title")}</h1>
      </div>
      <ArchiveNav roles={roles} />
      <p className="muted">{t("holds.intro")}</p>
      {placed ? (
        <p className="notice" role="status">
          {t("holds.placed", { claim: placed })}
        </p>
      ) : null}
      {lifted ? (
        <p className="notice" role="status">
          {t("holds.lifted", { claim: lifted })}
        </p>
      ) : null}
      <RefusalMessage refusal={refusal} />
      {companies.length === 0 ? (
        <p className="empty card">{t("noCompanies")}</p>
      ) : (
        <>
          {canHold ? (
            <Form method="post" className="row card" style={{ alignItems: "flex-end", flexWrap: "wrap" }} aria-labelledby="hold-title">
              <h2 id="hold-title" style={{ flexBasis: "100%", margin: 0 }}>
                {t("holds.placeTitle")}
              </h2>
              <input type="hidden" name="intent" value="place" />
              <label className="field">
                <span>{t("holds.claimNumber")}</span>
                <input type="text" name="claimNumber" required maxLength={40} />
                {refusal?.fieldErrors?.claimNumber ? <span className="field-error">{t(`errors.${refusal.fieldErrors.claimNumber}`)}</span> : null}
              </label>
              <label className="field" style={{ flex: "1 1 16rem" }}>
                <span>{t("holds.reason")}</span>
                <input type="text" name="reason" required maxLength={500} />
              </label>
              <button type="submit" className="button button-primary" disabled={busy}>
                {t("holds.place")}
              </button>
            </Form>
          ) : null}
          {holds.length === 0 ? (
            <p className="empty card" data-testid="holds-empty">
              {t("holds.empty")}
            </p>
          ) : (
            <div className="table-wrap" style={{ marginTop: "1rem" }}>
              <table className="data responsive" data-testid="holds">
                <thead>
                  <tr>
                    <th scope="col">{t("holds.claim")}</th>
                    <th scope="col">{t("holds.docType")}</th>
                    <th scope="col">{t("holds.claimant")}</th>
                    <th scope="col">{t("holds.closedOn")}</th>
                    <th scope="col">{t("holds.reason")}</th>
                    <th scope="col">{t("holds.heldBy")}</th>
                    {canHold ? (
                      <th scope="col">
                        <span className="visually-hidden">{t("holds.lift")}</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {holds.map((h) => (
                    <tr key={h.id} data-testid={`hold-${h.claimNumber}`}>
                      <td data-label={t("holds.claim")} className="nowrap">
                        {h.claimNumber}
                        {companies.length > 1 ? <span className="muted"> · {h.companyCode}</span> : null}
                      </td>
                      <td data-label={t("holds.docType")}>{t(`docType.${h.docType}`, { defaultValue: h.docType })}</td>
                      <td data-label={t("holds.claimant")}>{h.claimantName}</td>
                      <td data-label={t("holds.closedOn")} className="nowrap">
                        {formatCalendarDate(h.closedOn, i18n.language)}
                      </td>
                      <td data-label={t("holds.reason")}>{h.reason}</td>
                      <td data-label={t("holds.heldBy")}>
                        {h.heldBy}
                        <div className="muted">{formatDateTime(h.heldAt, i18n.language)}</div>
                      </td>
                      {canHold ? (
                        <td>
                          <Form method="post" className="row" style={{ flexWrap: "wrap" }}>
                            <input type="hidden" name="intent" value="lift" />
                            <input type="hidden" name="claimNumber" value={h.claimNumber} />
                            <input type="text" name="reason" required maxLength={500} placeholder={t("holds.liftReason")} aria-label={t("holds.liftReason")} />
                            <button type="submit" className="button" disabled={busy}>
                              {t("holds.lift")}
                            </button>
                          </Form>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
