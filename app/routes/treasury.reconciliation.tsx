import { getFormProps, useForm } from "@conform-to/react";
import { redirect, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type UploadHandler } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { TreasuryTabs } from "~/components/treasury-nav";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { RouteError } from "~/components/route-error";
import { AppError, isAppError } from "~/domain/app-error";
import { formatMoney } from "~/domain/money";
import { sniffStatementFormat } from "~/domain/payment-files/statement-csv";
import {
  dayPositionOf,
  importStatement,
  latestActivityDay,
  matchEntryManually,
  matchStatement,
  payerAccountsFor,
  findStatementOf,
  recentStatements,
  reconciliationWork,
  type ImportResult,
} from "~/models/bank-statements.server";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";
import { parseForm, type FormReply } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Reconciliation · Accounting Factory" }];

const MAX_STATEMENT_MB = 512;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "TREASURY");
  const accounts = await payerAccountsFor(user.id);
  const url = new URL(request.url);
  const asked = url.searchParams.get("account");
  // Another company's account (or none at all) is not found, never shown.
  if (asked && !accounts.some((a) => a.id === asked)) throw new Response("Not found", { status: 404 });
  const account = accounts.find((a) => a.id === asked) ?? accounts[0] ?? null;
  if (!account) return { accounts, account: null, day: null, position: null, work: null, recent: [] };
  const askedDay = url.searchParams.get("day");
  const day = askedDay && DAY.test(askedDay) ? askedDay : ((await latestActivityDay(account.id)) ?? new Date().toISOString().slice(0, 10));
  const [position, work, recent] = await Promise.all([dayPositionOf(account.id, day), reconciliationWork(account.id), recentStatements(account.id)]);
  // BigInt does not travel as JSON: minor units go as strings.
  const fig = (f: { count: number; minor: bigint }) => ({ count: f.count, minor: f.minor.toString() });
  return {
    accounts,
    account,
    day,
    position: { expected: fig(position.expected), paid: fig(position.paid), returned: fig(position.returned), outstanding: fig(position.outstanding), unknown: fig(position.unknown) },
    work: {
      entries: work.entries.map((e) => ({ ...e, minor: e.minor.toString() })),
      payments: work.payments.map((p) => ({ ...p, minor: p.minor.toString() })),
    },
    recent: recent.map((r) => ({ ...r, closingMinor: r.closingMinor.toString() })),
  };
}

const MatchSchema = z.object({ intent: z.literal("match"), entryId: z.string().min(1), paymentId: z.string().min(1) });
const RematchSchema = z.object({ intent: z.literal("rematch"), statementId: z.string().min(1) });
const IntentSchema = z.discriminatedUnion("intent", [MatchSchema, RematchSchema]);

type UploadOutcome = { intent: "upload"; ok: true; result: ImportResult } | { intent: "upload"; ok: false; code: string; details: Record<string, string> };

/** The uploaded statement goes straight from the request into the import: never held whole in memory or on disk. */
async function receiveStatement(request: Request, userId: string, allowed: string[]): Promise<UploadOutcome> {
  let outcome: UploadOutcome | null = null;
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (name !== "statement" || !filename || outcome) {
      for await (const _ of data); // read past anything else
      return undefined;
    }
    let size = 0;
    const counted = (async function* () {
      for await (const chunk of data) {
        size += chunk.byteLength;
        if (size > MAX_STATEMENT_MB * 1024 * 1024) throw new AppError("too_large", { status: 413, details: { max: String(MAX_STATEMENT_MB) } });
        yield chunk;
      }
    })();
    const first = await counted.next();
    if (first.done || first.value.byteLength === 0) {
      outcome = { intent: "upload", ok: false, code: "no_file", details: {} };
      return undefined;
    }
    const chunks = (async function* () {
      yield first.value;
      yield* counted;
    })();
    try {
      const result = await importStatement({ source: sniffStatementFormat(first.value), chunks, importedBy: userId, allowedPayerAccountIds: allowed });
      outcome = { intent: "upload", ok: true, result };
    } catch (error) {
      if (!isAppError(error)) throw error;
      const details = Object.fromEntries(Object.entries(error.details).map(([k, v]) => [k, String(v)]));
      outcome = { intent: "upload", ok: false, code: error.code, details: { ...details, message: error.message } };
      for await (const _ of data); // let the parser finish the request
    }
    return undefined;
  };
  await unstable_parseMultipartFormData(request, handler);
  return outcome ?? { intent: "upload", ok: false, code: "no_file", details: {} };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "TREASURY");
  const allowed = (await payerAccountsFor(user.id)).map((a) => a.id);
  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    const outcome = await receiveStatement(request, user.id, allowed);
    return { upload: outcome, match: null };
  }
  const submission = parseForm(await request.formData(), IntentSchema);
  if (submission.status !== "success") return { upload: null, match: submission.reply() };
  if (submission.value.intent === "rematch") {
    // Finishes a statement whose matching stopped half way (idempotent: only what is still unmatched moves).
    const statement = await findStatementOf(submission.value.statementId, allowed);
    if (!statement) throw new Response("Not found", { status: 404 });
    const result = await matchStatement(statement.id, { actorId: user.id });
    return { upload: null, match: null, rematch: { statementId: statement.id, statementRef: statement.statementRef, ...result } };
  }
  try {
    const { kind } = await matchEntryManually({ entryId: submission.value.entryId, paymentId: submission.value.paymentId, userId: user.id, allowedPayerAccountIds: allowed });
    const url = new URL(request.url);
    url.searchParams.set("matched", kind);
    return redirect(`${url.pathname}${url.search}`);
  } catch (error) {
    if (isAppError(error, "not_found")) throw new Response("Not found", { status: 404 });
    if (isAppError(error, "already_matched")) return { upload: null, match: replyWithError(submission, new AppError("invalid", { fieldErrors: { paymentId: "already_matched" } }), { status: 200 }) };
    return { upload: null, match: replyWithError(submission, error, { status: 200 }) };
  }
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

function MatchForm({ entry, candidates, result, busy }: { entry: NonNullable<Loaded["work"]>["entries"][number]; candidates: NonNullable<Loaded["work"]>["payments"]; result: unknown; busy: boolean }) {
  const { t, i18n } = useTranslation("reconciliation");
  const reply = result as FormReply | null | undefined;
  const mine = reply?.initialValue?.entryId === entry.id ? reply : undefined;
  const [form, fields] = useForm<{ intent: string; entryId: string; paymentId: string }>({ id: `match-${entry.id}`, lastResult: mine, shouldValidate: "onSubmit" });
  const money = (minor: string, currency: string) => formatMoney({ minor: BigInt(minor), currency }, i18n.language);
  return (
    <Form method="post" style={{ display: "flex", gap: "0.4rem", flexWrap: "wrap", alignItems: "center", minWidth: 0 }} {...getFormProps(form)} data-testid="match-form">
      <input type="hidden" name="intent" value="match" />
      <input type="hidden" name="entryId" value={entry.id} />
      {candidates.length === 0 ? (
        <span className="muted small">{t("unmatched.noCandidate")}</span>
      ) : (
        <>
          <select name={fields.paymentId.name} aria-label={t("unmatched.matchWith")} defaultValue="" style={{ width: "100%", maxWidth: "18rem", minWidth: 0 }}>
            <option value="">{t("unmatched.choose")}</option>
            {candidates.map((p) => (
              <option key={p.id} value={p.id}>
                {p.claimNumber} · {p.payee} · {money(p.minor, p.currency)} · {p.endToEndId}
              </option>
            ))}
          </select>
          <button type="submit" className="button button-small" disabled={busy}>{t("unmatched.match")}</button>
        </>
      )}
      <FieldError errors={fields.paymentId.errors} id={fields.paymentId.errorId} name="paymentId" ns="reconciliation" prefix="errors" />
    </Form>
  );
}

export default function Reconciliation() {
  const data = useLoaderData<typeof loader>();
  const latestAction = useActionData<typeof action>();
  // The self-refresh while a statement settles is a revalidation, which forgets the action's answer:
  // the last answer is kept until another account is shown.
  const [kept, setKept] = useState<{ answer: typeof latestAction; account: string | null }>({ answer: latestAction, account: data.account?.id ?? null });
  useEffect(() => {
    if (latestAction) setKept({ answer: latestAction, account: data.account?.id ?? null });
  }, [latestAction, data.account?.id]);
  const actionData = latestAction ?? (kept.account === (data.account?.id ?? null) ? kept.answer : undefined);
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation("reconciliation");
  const { t: tr } = useTranslation("rematch");
  const { t: ts } = useTranslation("settlement");
  const locale = i18n.language;
  const money = (minor: string, currency: string) => formatMoney({ minor: BigInt(minor), currency }, locale);
  // While a statement's links are being settled (the settle-statement job), the screen refreshes itself.
  const settlingNow = data.recent.reduce((n, s) => n + s.settling, 0);
  const revalidator = useRevalidator();
  useEffect(() => {
    if (settlingNow === 0) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState === "visible") revalidator.revalidate();
    }, 2_000);
    return () => clearInterval(timer);
  }, [settlingNow, revalidator]);

  if (!data.account || !data.work || !data.position) {
    return (
      <main className="page">
        <div className="page-head"><h1>{t("title")}</h1></div>
        <TreasuryTabs />
        <p className="empty" data-testid="no-accounts">{t("noAccounts")}</p>
      </main>
    );
  }
  const { account, work, position, recent, day } = data;
  const currency = account.currency;
  const upload = actionData?.upload ?? null;
  const rematch = actionData && "rematch" in actionData ? actionData.rematch : null;
  /** How many of a statement's links are still being settled, as of this render (not as of the upload). */
  const settlingOf = (statementId: string) => recent.find((r) => r.id === statementId)?.settling ?? 0;
  const matched = params.get("matched");
  const figure = (key: keyof typeof position, unit: "count" | "entries" = "count") => (
    <div className="card" data-testid={`position-${key}`} style={{ padding: "0.8rem 1rem", marginTop: 0 }}>
      <div className="muted small">{t(`position.${key}`)}</div>
      <div style={{ fontSize: "1.25rem", fontWeight: 600 }}>{money(position[key].minor, currency)}</div>
      <div className="muted small">{t(`position.${unit}`, { count: position[key].count })}</div>
    </div>
  );

  return (
    <main className="page">
      <div className="page-head">
        <h1>{t("title")}</h1>
        <Form method="get" className="row" style={{ gap: "0.5rem", flexWrap: "wrap", minWidth: 0, maxWidth: "100%" }}>
          <label className="field" style={{ margin: 0, minWidth: 0, maxWidth: "100%" }}>
            <span className="visually-hidden">{t("account")}</span>
            <select name="account" defaultValue={account.id} aria-label={t("account")} style={{ maxWidth: "100%" }}>
              {data.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.company_code} · {a.name} · …{a.account.slice(-4)}
                </option>
              ))}
            </select>
          </label>
          <label className="field" style={{ margin: 0 }}>
            <span className="visually-hidden">{t("day")}</span>
            <input type="date" name="day" defaultValue={day ?? ""} aria-label={t("day")} />
          </label>
          <button type="submit" className="button">{t("show")}</button>
        </Form>
      </div>
      <TreasuryTabs />
      <p className="muted">{t("lead")}</p>

      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">{t("upload.title")}</h2>
        <p className="muted small">{t("upload.hint")}</p>
        <Form method="post" encType="multipart/form-data" className="row" style={{ gap: "0.6rem", flexWrap: "wrap" }}>
          <label className="field" style={{ margin: 0 }}>
            <span className="visually-hidden">{t("upload.file")}</span>
            <input type="file" name="statement" accept=".xml,.csv,.txt,application/xml,text/xml,text/csv" required aria-label={t("upload.file")} data-testid="statement-input" />
          </label>
          <button type="submit" className="button button-primary" disabled={busy}>{t("upload.submit")}</button>
        </Form>
        {upload?.ok ? (
          <p className="notice" role="status" data-testid="upload-result" style={{ marginTop: "0.8rem" }}>
            {t("upload.done", { ref: upload.result.statementRef, entries: upload.result.entries, paid: upload.result.paid, returned: upload.result.returned, unmatched: upload.result.unmatched })}
            {settlingOf(upload.result.statementId) > 0 ? (
              <>
                {" "}
                <span data-testid="settling">{ts("pending", { count: settlingOf(upload.result.statementId) })}</span>
              </>
            ) : null}
          </p>
        ) : upload ? (
          <p className="form-error" role="alert" data-testid="upload-error" style={{ marginTop: "0.8rem" }}>
            {t(`upload.errors.${upload.code}`, {
              defaultValue: upload.details.message ?? upload.code,
              ...upload.details,
              importedAt: upload.details.importedAt ? formatDateTime(upload.details.importedAt, locale) : "",
              expected: upload.details.expectedClosingMinor ? money(upload.details.expectedClosingMinor, currency) : "",
              closing: upload.details.closingMinor ? money(upload.details.closingMinor, currency) : "",
            })}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="position-title" style={{ marginTop: "1.25rem" }}>
        <h2 id="position-title">
          {t("position.title")} <span className="muted small">{day ? formatCalendarDate(day, locale) : ""}</span>
        </h2>
        <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 10.5rem), 1fr))", gap: "0.75rem" }}>
          {figure("expected")}
          {figure("paid")}
          {figure("returned")}
          {figure("outstanding")}
          {figure("unknown", "entries")}
        </div>
      </section>

      {matched === "paid" || matched === "returned" ? (
        <p className="notice" role="status" data-testid="match-done" style={{ marginTop: "1rem" }}>
          {t("unmatched.matched", { kind: t(`unmatched.kind_${matched}`) })}
        </p>
      ) : null}

      <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 520px), 1fr))", gap: "1.25rem", marginTop: "1.25rem", alignItems: "start" }}>
        <section aria-labelledby="unmatched-title">
          <h2 id="unmatched-title">{t("unmatched.title")}</h2>
          {work.entries.length === 0 ? (
            <p className="empty card">{t("unmatched.empty")}</p>
          ) : (
            <div className="table-wrap">
              <table className="data responsive" data-testid="unmatched-entries">
                <thead>
                  <tr>
                    <th scope="col">{t("unmatched.date")}</th>
                    <th scope="col" style={{ textAlign: "right" }}>{t("unmatched.amount")}</th>
                    <th scope="col">{t("unmatched.reference")}</th>
                    <th scope="col">{t("unmatched.matchWith")}</th>
                  </tr>
                </thead>
                <tbody>
                  {work.entries.map((e) => {
                    // A debit pays a sent or accepted payment; a credit returns any open one; amounts must agree.
                    const candidates = work.payments.filter((p) => p.minor === e.minor && p.currency === e.currency && (e.direction === "CRDT" || p.status !== "PAID"));
                    return (
                      <tr key={e.id} data-testid="unmatched-entry">
                        <td data-label={t("unmatched.date")}>
                          {formatCalendarDate(e.bookingDate, locale)}
                          <div className="muted small">{t(`unmatched.${e.direction}`)}</div>
                        </td>
                        <td data-label={t("unmatched.amount")} style={{ textAlign: "right", whiteSpace: "nowrap" }}>{money(e.minor, e.currency)}</td>
                        <td data-label={t("unmatched.reference")} className="small" style={{ wordBreak: "break-all" }}>
                          <div className="mono">{e.endToEndId ?? "—"}</div>
                          <div className="muted">{e.counterpartyAccount ?? ""}</div>
                          {e.returnReason ? <div>{t("unmatched.reason")}: <span className="mono">{e.returnReason}</span></div> : null}
                          <div className="muted">{t("unmatched.statement")} {e.statementRef}</div>
                        </td>
                        <td data-label={t("unmatched.matchWith")}>
                          <MatchForm entry={e} candidates={candidates} result={actionData?.match} busy={busy} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section aria-labelledby="open-title">
          <h2 id="open-title">{t("open.title")}</h2>
          {work.payments.length === 0 ? (
            <p className="empty card">{t("open.empty")}</p>
          ) : (
            <div className="table-wrap">
              <table className="data responsive" data-testid="open-payments">
                <thead>
                  <tr>
                    <th scope="col">{t("open.claim")}</th>
                    <th scope="col">{t("open.payee")}</th>
                    <th scope="col" style={{ textAlign: "right" }}>{t("open.amount")}</th>
                    <th scope="col">{t("open.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {work.payments.map((p) => (
                    <tr key={p.id} data-testid="open-payment">
                      <td data-label={t("open.claim")}>
                        {p.claimNumber}
                        <div className="mono muted small" style={{ wordBreak: "break-all" }}>{p.endToEndId}</div>
                      </td>
                      <td data-label={t("open.payee")}>{p.payee}</td>
                      <td data-label={t("open.amount")} style={{ textAlign: "right", whiteSpace: "nowrap" }}>
                        {money(p.minor, p.currency)}
                        <div className="muted small">{formatCalendarDate(p.valueDate, locale)}</div>
                      </td>
                      <td data-label={t("open.status")} className="small">{t(`open.${p.status}`, { defaultValue: p.status })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>

      <section aria-labelledby="recent-title" style={{ marginTop: "1.25rem" }}>
        <h2 id="recent-title">{t("recent.title")}</h2>
        {rematch ? (
          <p className="notice" role="status" data-testid="rematch-done">
            {tr("done", { ref: rematch.statementRef, paid: rematch.paid, returned: rematch.returned, unmatched: rematch.unmatched })}
            {settlingOf(rematch.statementId) > 0 ? (
              <>
                {" "}
                <span data-testid="settling">{ts("pending", { count: settlingOf(rematch.statementId) })}</span>
              </>
            ) : null}
          </p>
        ) : null}
        {recent.length === 0 ? (
          <p className="empty card">{t("recent.empty")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data responsive" data-testid="recent-statements">
              <thead>
                <tr>
                  <th scope="col">{t("recent.statement")}</th>
                  <th scope="col">{t("recent.source")}</th>
                  <th scope="col" style={{ textAlign: "right" }}>{t("recent.entries")}</th>
                  <th scope="col" style={{ textAlign: "right" }}>{t("recent.matched")}</th>
                  <th scope="col" style={{ textAlign: "right" }}>{t("recent.closing")}</th>
                  <th scope="col">{t("recent.importedAt")}</th>
                  <th scope="col">{tr("column")}</th>
                </tr>
              </thead>
              <tbody>
                {recent.map((s) => (
                  <tr key={s.id}>
                    <td data-label={t("recent.statement")} className="mono">{s.statementRef}</td>
                    <td data-label={t("recent.source")}>{t(`recent.${s.source}`, { defaultValue: s.source })}</td>
                    <td data-label={t("recent.entries")} style={{ textAlign: "right" }}>{s.entryCount}</td>
                    <td data-label={t("recent.matched")} style={{ textAlign: "right" }}>
                      {s.matched}
                      {s.settling > 0 ? (
                        <div className="muted small" data-testid="statement-settling">
                          {ts("short", { count: s.settling })}
                        </div>
                      ) : null}
                    </td>
                    <td data-label={t("recent.closing")} style={{ textAlign: "right", whiteSpace: "nowrap" }}>{money(s.closingMinor, s.currency)}</td>
                    <td data-label={t("recent.importedAt")}>{formatDateTime(s.importedAt, locale)}</td>
                    <td data-label={tr("column")}>
                      {s.matched < s.entryCount ? (
                        <Form method="post" data-testid="rematch-form">
                          <input type="hidden" name="intent" value="rematch" />
                          <input type="hidden" name="statementId" value={s.id} />
                          <button type="submit" className="button button-small" disabled={busy}>{tr("submit")}</button>
                        </Form>
                      ) : (
                        <span className="muted small">{tr("complete")}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
