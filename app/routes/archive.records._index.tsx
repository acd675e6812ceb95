import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { listArchiveRecords, requestFullFixity, type FixityRunView } from "~/models/archive-record-views.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";
import { ARCHIVE_STAFF } from "~/domain/archive-roles";

export const meta: MetaFunction = () => [{ title: "Electronic records · Accounting Factory" }];

/** Archive staff: the records of their companies (user_company), newest first, with the fixity banner. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  try {
    const view = await listArchiveRecords(user);
    return { ...view, roles: user.roles };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** ADMIN: queue a full fixity run now. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const form = await request.formData();
  if (form.get("intent") !== "run-fixity") throw new Response("Bad request", { status: 400 });
  try {
    await requestFullFixity(user);
  } catch (err) {
    throwAsResponse(err);
  }
  return redirect("/archive/records?fixity=queued");
}

function RunLine({ run }: { run: FixityRunView }) {
  const { t, i18n } = useTranslation("archive");
  return (
    <li data-testid="fixity-run">
      {t("list.run", {
        kind: t(`kind.${run.kind}`),
        when: formatDateTime(run.startedAt, i18n.language),
        packages: run.packages,
        files: run.files,
        mb: (Number(run.bytes) / 1e6).toFixed(1),
      })}{" "}
      {run.finishedAt === null ? (
        <span className="badge">{t("list.running")}</span>
      ) : run.mismatches > 0 ? (
        <span className="badge badge-FAILED">{t("list.runMismatches", { count: run.mismatches })}</span>
      ) : (
        <span className="badge badge-READY">{t("list.runClean")}</span>
      )}
    </li>
  );
}

export default function ArchiveRecords() {
  const { records, total, failing, runs, canRunFixity, roles, hasCompanies } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("archive");
  const navigation = useNavigation();
  const [params] = useSearchParams();
  return (
    <>
      <div className="page-head">
        <h1>{t("list.title")}</h1>
      </div>
      <ArchiveNav roles={roles} />
      {failing.length > 0 ? (
        <section className="form-error fixity-banner" role="alert" data-testid="fixity-banner" style={{ marginBottom: "1rem" }}>
          <h2 style={{ margin: "0 0 0.3rem", fontSize: "1.1rem" }}>{t("banner.title", { count: failing.length })}</h2>
          <p style={{ margin: "0 0 0.3rem" }}>{t("banner.body")}</p>
          <p style={{ margin: 0 }}>
            {failing.map((f, i) => (
              <span key={f.id}>
                {i > 0 ? " · " : null}
                <Link to={`/archive/records/${f.id}`}>{f.claimNumber}</Link>
              </span>
            ))}
          </p>
        </section>
      ) : null}
      {params.get("fixity") === "queued" ? (
        <p className="notice" role="status">
          {t("list.fixityQueued")}
        </p>
      ) : null}
      <p className="muted">{t("list.intro")}</p>
      {canRunFixity ? (
        <Form method="post" style={{ marginBottom: "1rem" }}>
          <input type="hidden" name="intent" value="run-fixity" />
          <button type="submit" className="button" disabled={navigation.state !== "idle"} data-testid="run-fixity">
            {t("list.runFixity")}
          </button>
        </Form>
      ) : null}
      {!hasCompanies ? (
        <p className="empty card">{t("list.noCompanies")}</p>
      ) : records.length === 0 ? (
        <p className="empty card" data-testid="records-empty">
          {t("list.empty")}
        </p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data responsive" data-testid="archive-records">
              <thead>
                <tr>
                  <th scope="col">{t("list.claim")}</th>
                  <th scope="col">{t("list.company")}</th>
                  <th scope="col">{t("list.claimant")}</th>
                  <th scope="col">{t("list.outcome")}</th>
                  <th scope="col" className="num">
                    {t("list.amount")}
                  </th>
                  <th scope="col">{t("list.closedOn")}</th>
                  <th scope="col" className="num">
                    {t("list.files")}
                  </th>
                  <th scope="col">{t("list.fixity")}</th>
                  <th scope="col">{t("list.checks")}</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r) => (
                  <tr key={r.id}>
                    <td data-label={t("list.claim")}>
                      <Link to={`/archive/records/${r.id}`}>{r.claimNumber}</Link>
                    </td>
                    <td data-label={t("list.company")}>{r.companyCode}</td>
                    <td data-label={t("list.claimant")}>{r.claimantName}</td>
                    <td data-label={t("list.outcome")}>
                      <span className={`badge badge-${r.outcome}`}>{t(`outcome.${r.outcome}`)}</span>
                    </td>
                    <td data-label={t("list.amount")} className="num nowrap">
                      <Money minor={r.totalMinor} currency={r.currency} />
                    </td>
                    <td data-label={t("list.closedOn")} className="nowrap">
                      {formatCalendarDate(r.closedOn, i18n.language)}
                    </td>
                    <td data-label={t("list.files")} className="num">
                      {r.fileCount}
                    </td>
                    <td data-label={t("list.fixity")}>
                      {r.lastFixityOk === null ? (
                        <span className="muted">{t("fixityState.never")}</span>
                      ) : r.lastFixityOk ? (
                        <span className="badge badge-READY" title={r.lastFixityAt ? formatDateTime(r.lastFixityAt, i18n.language) : undefined}>
                          {t("fixityState.ok")}
                        </span>
                      ) : (
                        <span className="badge badge-FAILED">{t("fixityState.failed")}</span>
                      )}
                    </td>
                    <td data-label={t("list.checks")}>
                      {r.checksOk === null ? (
                        <span className="muted">{t("checksState.none")}</span>
                      ) : (
                        <span className={`badge ${r.checksOk ? "badge-READY" : "badge-FAILED"}`}>{t(r.checksOk ? "checksState.ok" : "checksState.failed")}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">{t("list.count", { shown: records.length, total })}</p>
        </>
      )}
      <section className="card" style={{ marginTop: "1rem" }} aria-labelledby="fixity-runs">
        <h2 id="fixity-runs">{t("list.runs")}</h2>
        {runs.length === 0 ? (
          <p className="muted">{t("list.noRuns")}</p>
        ) : (
          <ul>
            {runs.map((r) => (
              <RunLine key={r.id} run={r} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
