import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { RouteError } from "~/components/route-error";
import { getBoardTarget, saveBoardTarget } from "~/models/board-settings.server";
import { BOARD_LINK_LIFETIME_DAYS, BOARD_ROLES, BOARD_TOKEN_NAME_MAX, BoardLinkNameSchema, DEFAULT_BOARD_LINK_LIFETIME_DAYS } from "~/domain/board-links";
import { BoardTargetSchema } from "~/domain/board-settings";
import { numberFormat } from "~/domain/intl-format";
import { boardManagerScope, createBoardToken, listBoardTokens, revokeBoardToken } from "~/models/board-token.server";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Wall board settings · Accounting Factory" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...BOARD_ROLES);
  const [tokens, targetDays, scope] = await Promise.all([listBoardTokens({ viewerId: user.id }), getBoardTarget(), boardManagerScope(user.id)]);
  return {
    timeZone: user.timeZone,
    targetDays,
    // Someone who works for no company can make no link (it would show nothing).
    canCreate: (scope?.companyIds.length ?? 0) > 0,
    tokens: tokens.map((t) => ({
      ...t,
      createdAt: t.createdAt.toISOString(),
      expiresAt: t.expiresAt.toISOString(),
      revokedAt: t.revokedAt?.toISOString() ?? null,
      lastSeenAt: t.lastSeenAt?.toISOString() ?? null,
    })),
  };
}

// The lifetime is checked by the model against the offered ones (bad_lifetime).
const CreateLinkSchema = z.object({ intent: z.literal("create"), name: BoardLinkNameSchema, lifetimeDays: z.string().optional() });
const RevokeLinkSchema = z.object({ intent: z.literal("revoke"), id: z.string().optional() });
const TargetSchema = BoardTargetSchema.extend({ intent: z.literal("target") });

// A refusal is shown on the page it came from, as before: 200, not the error's own status.
const SHOWN = { status: 200 };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, ...BOARD_ROLES);
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "target") {
    const submission = parseForm(formData, TargetSchema);
    if (submission.status !== "success") return submission.reply();
    try {
      const saved = await saveBoardTarget({ actor: user, days: submission.value.days });
      return { ...submission.reply(), savedDays: saved.days };
    } catch (err) {
      return replyWithError(submission, err, SHOWN);
    }
  }
  if (intent === "create") {
    const submission = parseForm(formData, CreateLinkSchema);
    if (submission.status !== "success") return submission.reply();
    try {
      const made = await createBoardToken({ name: submission.value.name, actorId: user.id, lifetimeDays: submission.value.lifetimeDays ?? "" });
      const url = new URL(`/board?${new URLSearchParams({ token: made.token })}`, request.url).toString();
      return { ...submission.reply(), created: { name: made.name, url, expiresAt: made.expiresAt.toISOString() } };
    } catch (err) {
      return replyWithError(submission, err, SHOWN);
    }
  }
  if (intent === "revoke") {
    const submission = parseForm(formData, RevokeLinkSchema);
    if (submission.status !== "success") return submission.reply();
    try {
      const { name } = await revokeBoardToken({ id: submission.value.id ?? "", actorId: user.id });
      return { ...submission.reply(), revoked: name };
    } catch (err) {
      return replyWithError(submission, err, SHOWN);
    }
  }
  throw new Response("Bad request", { status: 400 });
}

export default function BoardSettings() {
  const { tokens, timeZone, targetDays, canCreate } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("board");
  const locale = i18n.language;
  const busy = navigation.state !== "idle";
  // One action answers every form on the page: each shows only what was sent from it.
  const sentFrom = (intent: string) => (lastResult?.initialValue?.intent === intent ? lastResult : undefined);
  const [createForm, createFields] = useForm({
    id: "board-link",
    lastResult: sentFrom("create"),
    onValidate: ({ formData }) => parseForm(formData, CreateLinkSchema),
    shouldValidate: "onSubmit",
  });
  const [targetForm, targetFields] = useForm({
    id: "board-target",
    lastResult: sentFrom("target"),
    onValidate: ({ formData }) => parseForm(formData, TargetSchema),
    shouldValidate: "onSubmit",
  });
  const created = lastResult && "created" in lastResult ? lastResult.created : null;
  const revokeResult = sentFrom("revoke");
  const revoked = revokeResult && "revoked" in revokeResult ? revokeResult.revoked : null;
  const savedDays = lastResult && "savedDays" in lastResult ? lastResult.savedDays : null;
  const createErrors = createForm.errors ?? createFields.name.errors;
  const targetErrors = targetFields.days.errors;
  const submittedDays = sentFrom("target")?.initialValue?.days;

  return (
    <div className="stack">
      <div className="page-head">
        <h1>{t("settings.title")}</h1>
        <Link to="/board" className="button button-primary">{t("settings.openBoard")}</Link>
      </div>

      <section className="card">
        <h2>{t("settings.tokens")}</h2>
        <p className="muted">{t("settings.tokensIntro")}</p>

        {created ? (
          <div className="notice stack" role="status" data-testid="new-token">
            <strong>{t("settings.createdTitle", { name: created.name })}</strong>
            <input className="mono" readOnly value={created.url} aria-label={t("settings.createdTitle", { name: created.name })} data-testid="new-token-url" onFocus={(e) => e.currentTarget.select()} />
            <span>{t("settings.createdOnce")}</span>
            <span data-testid="new-token-expiry">{t("settings.createdExpires", { time: formatDateTime(created.expiresAt, locale, timeZone) })}</span>
          </div>
        ) : null}
        {revoked !== null ? <p className="notice" role="status">{t("settings.revokedDone", { name: revoked })}</p> : null}
        <FieldError errors={revokeResult?.error?.[""] ?? undefined} prefix="settings.errors" ns="board" />

        {canCreate ? (
          <Form method="post" className="row" replace {...getFormProps(createForm)}>
            <input type="hidden" name="intent" value="create" />
            <label className="field grow">
              <span>{t("settings.name")}</span>
              <input
                name="name"
                required
                maxLength={BOARD_TOKEN_NAME_MAX}
                placeholder={t("settings.namePlaceholder")}
                aria-invalid={createErrors ? true : undefined}
                aria-describedby={createErrors ? "token-name-error" : undefined}
              />
            </label>
            <label className="field">
              <span>{t("settings.lifetime")}</span>
              <select name="lifetimeDays" defaultValue={String(DEFAULT_BOARD_LINK_LIFETIME_DAYS)} data-testid="token-lifetime">
                {BOARD_LINK_LIFETIME_DAYS.map((days) => (
                  <option key={days} value={days}>
                    {t("settings.lifetimeDays", { count: days })}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button button-primary" disabled={busy}>{t("settings.create")}</button>
          </Form>
        ) : (
          <p className="notice" data-testid="no-companies">{t("settings.errors.no_companies")}</p>
        )}
        <FieldError errors={createErrors} id="token-name-error" name="name" prefix="settings.errors" ns="board" />

        {tokens.length === 0 ? (
          <p className="muted" data-testid="no-tokens">{t("settings.noTokens")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data responsive" data-testid="token-table">
              <thead>
                <tr>
                  <th>{t("settings.cols.name")}</th>
                  <th>{t("settings.cols.companies")}</th>
                  <th>{t("settings.cols.createdBy")}</th>
                  <th>{t("settings.cols.createdAt")}</th>
                  <th>{t("settings.cols.expiresAt")}</th>
                  <th>{t("settings.cols.lastSeen")}</th>
                  <th>{t("settings.cols.status")}</th>
                  <th><span className="visually-hidden">{t("settings.revoke")}</span></th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((tok) => (
                  <tr key={tok.id} data-testid="token-row" data-revoked={tok.revokedAt ? "true" : "false"} data-state={tok.state}>
                    <td data-label={t("settings.cols.name")}>{tok.name}</td>
                    <td data-label={t("settings.cols.companies")} data-testid="token-companies">
                      {tok.companies.length ? tok.companies.map((c) => (locale.startsWith("zh") ? c.nameZh : c.name)).join(locale.startsWith("zh") ? "、" : ", ") : "—"}
                    </td>
                    <td data-label={t("settings.cols.createdBy")}>{tok.createdByName ?? "—"}</td>
                    <td data-label={t("settings.cols.createdAt")}>{formatDateTime(tok.createdAt, locale, timeZone)}</td>
                    <td data-label={t("settings.cols.expiresAt")} data-testid="token-expires">
                      {formatDateTime(tok.expiresAt, locale, timeZone)}
                    </td>
                    <td data-label={t("settings.cols.lastSeen")}>{tok.lastSeenAt ? formatDateTime(tok.lastSeenAt, locale, timeZone) : t("settings.never")}</td>
                    <td data-label={t("settings.cols.status")} data-testid="token-status">
                      {tok.state === "revoked" && tok.revokedAt
                        ? t("settings.revoked", { time: formatDateTime(tok.revokedAt, locale, timeZone) })
                        : tok.state === "expired"
                          ? t("settings.expired")
                          : t("settings.active")}
                    </td>
                    <td>
                      {tok.state !== "active" ? null : (
                        <Form
                          method="post"
                          onSubmit={(e) => {
                            if (!window.confirm(t("settings.revokeConfirm", { name: tok.name }))) e.preventDefault();
                          }}
                        >
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="id" value={tok.id} />
                          <button type="submit" className="button button-small button-danger" disabled={busy}>{t("settings.revoke")}</button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card">
        <h2>{t("settings.target")}</h2>
        <p className="muted">{t("settings.targetIntro")}</p>
        {savedDays !== null ? (
          <p className="notice" role="status" data-testid="target-saved">
            {t("settings.targetSaved", { value: numberFormat(locale, { maximumFractionDigits: 2 }).format(savedDays) })}
          </p>
        ) : null}
        <Form method="post" className="row" replace {...getFormProps(targetForm)}>
          <input type="hidden" name="intent" value="target" />
          <label className="field">
            <span>{t("settings.targetDays")}</span>
            <input
              name="days"
              inputMode="decimal"
              required
              key={targetDays}
              defaultValue={targetErrors && typeof submittedDays === "string" ? submittedDays : String(targetDays)}
              aria-invalid={targetErrors ? true : undefined}
              aria-describedby={targetErrors ? "target-error" : undefined}
              data-testid="target-days"
            />
          </label>
          <button type="submit" className="button" disabled={busy}>{t("settings.saveTarget")}</button>
        </Form>
        <FieldError errors={targetErrors} id="target-error" name="days" prefix="settings.errors.target" ns="board" />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
