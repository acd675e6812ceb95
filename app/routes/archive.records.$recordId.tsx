import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { StatusBadge } from "~/components/status-badge";
import type { ClaimStatus } from "~/domain/claim-machine";
import { ArchiveNav } from "~/components/archive-nav";
import { Digest } from "~/components/digest";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { ARCHIVE_CHECKS, type CheckProblem } from "~/domain/archive-checks";
import { runArchiveRecordChecks } from "~/models/archive-checks.server";
import { runFixity } from "~/models/archive-fixity.server";
import { archiveRecordDetail, findStaffRecord } from "~/models/archive-record-views.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";
import { ARCHIVE_STAFF } from "~/domain/archive-roles";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.record.claimNumber ?? "Record"} · Electronic records · Accounting Factory` }];

/** Archive staff of the record's company (user_company); another company's record is not found. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  try {
    const detail = await archiveRecordDetail(user, params.recordId ?? "");
    if (!detail) throw new Response("Not found", { status: 404 });
    return { ...detail, roles: user.roles };
  } catch (err) {
    if (err instanceof Response) throw err;
    throwAsResponse(err);
  }
}

/** Archive staff: run the four checks, or re-hash this package, now (another company's record is 404 before the form is read). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  const record = await findStaffRecord(user, params.recordId ?? "").catch((err: unknown) => throwAsResponse(err));
  if (!record) throw new Response("Not found", { status: 404 });
  const intent = (await request.formData()).get("intent");
  if (intent === "checks") {
    await runArchiveRecordChecks(record.id, "ON_DEMAND", { requestedById: user.id });
    return { done: "checks" as const, failures: 0 };
  }
  if (intent === "fixity") {
    const run = await runFixity("ON_DEMAND", { recordIds: [record.id], requestedById: user.id });
    return { done: "fixity" as const, failures: run.mismatches };
  }
  throw new Response("Bad request", { status: 400 });
}

function formatBytes(bytes: string | number, locale: string): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toLocaleString(locale, { maximumFractionDigits: 1 })} ${units[u]}`;
}

function ProblemList({ problems }: { problems: CheckProblem[] }) {
  const { t } = useTranslation("archive");
  if (problems.length === 0) return null;
  return (
    <ul className="check-problems" style={{ margin: "0.3rem 0 0", paddingLeft: "1.1rem" }}>
      {problems.slice(0, 20).map((p, i) => (
        <li key={i}>
          {t(`problem.${p.code}`, { defaultValue: p.code })}
          {p.path ? (
            <>
              {" "}
              <code>{p.path}</code>
            </>
          ) : null}
          {p.detail ? <span className="muted"> — {p.detail}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export default function ArchiveRecordPage() {
  const { record: r, files, reports, failures, roles, addenda } = useLoaderData<typeof loader>();
  const latest = addenda.at(-1);
  const done = useActionData<typeof action>();
  const { t, i18n } = useTranslation("archive");
  const { t: tClaims } = useTranslation("claims");
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  return (
    <>
      <div className="page-head">
        <h1>{t("record.title", { number: r.claimNumber })}</h1>
        <Link to="/archive/records">{t("record.back")}</Link>
      </div>
      <ArchiveNav roles={roles} />
      {r.lastFixityOk === false ? (
        <section className="form-error" role="alert" data-testid="record-fixity-failed" style={{ marginBottom: "1rem" }}>
          <strong>{t("banner.title", { count: 1 })}</strong>
          <p style={{ margin: "0.3rem 0 0" }}>{t("banner.body")}</p>
        </section>
      ) : null}
      {latest && latest.claimStatus === "PAYMENT_FAILED" ? (
        <p className="form-error" role="status" data-testid="record-payment-returned" style={{ marginBottom: "1rem" }}>
          {t("record.addendumReturned", { seq: latest.seq, date: formatDateTime(latest.filedAt, i18n.language), status: tClaims(`status.${latest.claimStatus}`) })}
        </p>
      ) : null}
      {done ? (
        <p className="notice" role="status" data-testid="action-done">
          {done.done === "checks" ? t("record.checksDone") : done.failures > 0 ? t("record.fixityDone", { count: done.failures }) : t("record.fixityClean")}
        </p>
      ) : null}

      <section className="card" aria-labelledby="record-facts">
        <h2 id="record-facts">{t("record.facts")}</h2>
        <dl className="facts">
          <div>
            <dt>{t("record.claim")}</dt>
            <dd>
              <Link to={`/claims/${r.claimId}`}>{r.claimNumber}</Link>
            </dd>
          </div>
          <div>
            <dt>{t("record.company")}</dt>
            <dd>
              {r.company.code} · {i18n.language.startsWith("zh") ? r.company.nameZh : r.company.name}
            </dd>
          </div>
          <div>
            <dt>{t("record.claimant")}</dt>
            <dd>{r.claimantName}</dd>
          </div>
          <div>
            <dt>{t("record.outcome")}</dt>
            <dd>
              <span className={`badge badge-${r.outcome}`}>{t(`outcome.${r.outcome}`)}</span>
            </dd>
          </div>
          <div>
            <dt>{t("record.amount")}</dt>
            <dd>
              <Money minor={r.totalMinor} currency={r.currency} />
            </dd>
          </div>
          <div>
            <dt>{t("record.merchants")}</dt>
            <dd>{r.merchants || "—"}</dd>
          </div>
          <div>
            <dt>{t("record.spent")}</dt>
            <dd>
              {formatCalendarDate(r.spentFrom, i18n.language)}
              {r.spentTo !== r.spentFrom ? ` – ${formatCalendarDate(r.spentTo, i18n.language)}` : ""}
            </dd>
          </div>
          <div>
            <dt>{t("record.closedOn")}</dt>
            <dd>{formatCalendarDate(r.closedOn, i18n.language)}</dd>
          </div>
          <div>
            <dt>{t("record.retention")}</dt>
            <dd data-testid="retention">
              {r.retentionYears === null || r.retentionEndsOn === null
                ? t("record.retentionPermanent")
                : t("record.retentionYears", { years: r.retentionYears, until: formatCalendarDate(r.retentionEndsOn, i18n.language) })}
            </dd>
          </div>
          <div>
            <dt>{t("record.filedAt")}</dt>
            <dd>{formatDateTime(r.filedAt, i18n.language)}</dd>
          </div>
          <div>
            <dt>{t("record.packagePath")}</dt>
            <dd>
              <code>{r.packagePath}</code>
              <br />
              <span className="muted">{t("record.size", { files: r.fileCount, size: formatBytes(r.totalBytes, i18n.language) })}</span>
            </dd>
          </div>
          <div>
            <dt>{t("record.manifest")}</dt>
            <dd>
              <Digest value={r.manifestSha256} chars={16} label={t("record.manifest")} testId="manifest-sha" />
            </dd>
          </div>
          <div>
            <dt>{t("record.lastFixity")}</dt>
            <dd>
              {r.lastFixityOk === null ? (
                <span className="muted">{t("fixityState.never")}</span>
              ) : (
                <>
                  <span className={`badge ${r.lastFixityOk ? "badge-READY" : "badge-FAILED"}`}>{t(r.lastFixityOk ? "fixityState.ok" : "fixityState.failed")}</span>{" "}
                  {r.lastFixityAt ? <span className="muted">{formatDateTime(r.lastFixityAt, i18n.language)}</span> : null}
                </>
              )}
            </dd>
          </div>
        </dl>
        <Form method="post" className="row" style={{ gap: "0.5rem", flexWrap: "wrap", marginTop: "0.8rem" }}>
          <button type="submit" name="intent" value="checks" className="button button-primary" disabled={busy} data-testid="run-checks">
            {t("record.runChecks")}
          </button>
          <button type="submit" name="intent" value="fixity" className="button" disabled={busy} data-testid="run-record-fixity">
            {t("record.runFixity")}
          </button>
        </Form>
      </section>

      {addenda.length > 0 ? (
        <section className="card" aria-labelledby="record-addenda" style={{ marginTop: "1rem" }}>
          <h2 id="record-addenda">{t("record.addenda")}</h2>
          <p className="muted" style={{ marginTop: 0 }}>
            {t("record.addendaHelp")}
          </p>
          <div className="table-wrap">
            <table className="data responsive" data-testid="record-addenda">
              <thead>
                <tr>
                  <th>{t("record.addendumSeq")}</th>
                  <th>{t("record.addendumReason")}</th>
                  <th>{t("record.addendumStatus")}</th>
                  <th>{t("record.filedAt")}</th>
                  <th className="num">{t("record.addendumEvents")}</th>
                  <th className="num">{t("record.addendumFiles")}</th>
                  <th>{t("record.manifest")}</th>
                </tr>
              </thead>
              <tbody>
                {addenda.map((a) => (
                  <tr key={a.seq} data-testid="addendum-row">
                    <td data-label={t("record.addendumSeq")}>{a.seq}</td>
                    <td data-label={t("record.addendumReason")}>{t(`record.reason.${a.reason}`)}</td>
                    <td data-label={t("record.addendumStatus")}>
                      <StatusBadge status={a.claimStatus as ClaimStatus} />
                    </td>
                    <td data-label={t("record.filedAt")}>{formatDateTime(a.filedAt, i18n.language)}</td>
                    <td className="num" data-label={t("record.addendumEvents")}>
                      {a.events}
                    </td>
                    <td className="num" data-label={t("record.addendumFiles")}>
                      {t("record.size", { files: a.fileCount, size: formatBytes(a.totalBytes, i18n.language) })}
                    </td>
                    <td data-label={t("record.manifest")}>
                      <Digest value={a.manifestSha256} label={t("record.manifest")} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      <section className="card" aria-labelledby="record-checks" style={{ marginTop: "1rem" }}>
        <h2 id="record-checks">{t("record.checks")}</h2>
        {reports.length === 0 ? (
          <p className="muted">{t("record.noReports")}</p>
        ) : (
          reports.map((rep, i) => (
            <div key={rep.id} data-testid="check-report" style={i > 0 ? { borderTop: "1px solid #eaecf0", paddingTop: "0.6rem", marginTop: "0.6rem", opacity: 0.85 } : undefined}>
              <p style={{ margin: "0 0 0.4rem" }}>
                <strong>{formatDateTime(rep.checkedAt, i18n.language)}</strong> · {t(`record.trigger.${rep.trigger}`)}
                {rep.requestedBy ? <span className="muted"> {t("record.requestedBy", { name: rep.requestedBy })}</span> : null}
              </p>
              {i === 0 || ARCHIVE_CHECKS.some((c) => !rep.results[c]) ? (
                <ul className="check-results" style={{ listStyle: "none", padding: 0, margin: 0, display: "grid", gap: "0.4rem" }}>
                  {ARCHIVE_CHECKS.map((c) => (
                    <li key={c} data-testid={`check-${c}`}>
                      <span className={`badge ${rep.results[c] ? "badge-READY" : "badge-FAILED"}`}>{t(rep.results[c] ? "check.ok" : "check.failed")}</span> <strong>{t(`check.${c}`)}</strong>{" "}
                      <span className="muted">{t(`check.${c}Help`)}</span>
                      <ProblemList problems={rep.details?.[c]?.problems ?? []} />
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted" style={{ margin: 0 }}>
                  {ARCHIVE_CHECKS.map((c) => t(`check.${c}`)).join(" · ")}: {t("check.ok")}
                </p>
              )}
            </div>
          ))
        )}
      </section>

      <section className="card" aria-labelledby="record-files" style={{ marginTop: "1rem" }}>
        <h2 id="record-files">{t("record.files")}</h2>
        <div className="table-wrap">
          <table className="data responsive" data-testid="record-files">
            <thead>
              <tr>
                <th scope="col">{t("record.path")}</th>
                <th scope="col">{t("record.role")}</th>
                <th scope="col">{t("record.mediaType")}</th>
                <th scope="col" className="num">
                  {t("record.bytes")}
                </th>
                <th scope="col">{t("record.digest")}</th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.path}>
                  <td data-label={t("record.path")}>
                    <a href={`/archive/records/${r.id}/file?path=${encodeURIComponent(f.path)}`} download>
                      {f.path}
                    </a>
                  </td>
                  <td data-label={t("record.role")}>{t(`role.${f.role}`)}</td>
                  <td data-label={t("record.mediaType")} className="muted">
                    {f.mediaType}
                  </td>
                  <td data-label={t("record.bytes")} className="num nowrap">
                    {formatBytes(f.sizeBytes, i18n.language)}
                  </td>
                  <td data-label={t("record.digest")}>
                    <Digest value={f.sha256} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="record-fixity" style={{ marginTop: "1rem" }}>
        <h2 id="record-fixity">{t("record.fixityHistory")}</h2>
        {failures.length === 0 ? (
          <p className="muted">{t("record.noFailures")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data responsive" data-testid="fixity-failures">
              <thead>
                <tr>
                  <th scope="col">{t("record.foundAt")}</th>
                  <th scope="col">{t("record.path")}</th>
                  <th scope="col">{t("record.problem")}</th>
                  <th scope="col">{t("record.expected")}</th>
                  <th scope="col">{t("record.actual")}</th>
                </tr>
              </thead>
              <tbody>
                {failures.map((f) => (
                  <tr key={f.id}>
                    <td data-label={t("record.foundAt")} className="nowrap">
                      {formatDateTime(f.foundAt, i18n.language)}
                    </td>
                    <td data-label={t("record.path")}>
                      <code>{f.path}</code>
                    </td>
                    <td data-label={t("record.problem")}>
                      <span className="badge badge-FAILED">{t(`fixityProblem.${f.problem}`)}</span>
                    </td>
                    <td data-label={t("record.expected")}>
                      <Digest value={f.expected} label={t("record.expected")} />
                    </td>
                    <td data-label={t("record.actual")}>{f.actual ? <Digest value={f.actual} label={t("record.actual")} /> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
