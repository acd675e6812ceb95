import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RouteError } from "~/components/route-error";
import { getBoardTarget, saveBoardTarget } from "~/models/board-settings.server";
import { BOARD_LINK_LIFETIME_DAYS, DEFAULT_BOARD_LINK_LIFETIME_DAYS } from "~/domain/board-links";
import { BoardTokenError, BOARD_TOKEN_NAME_MAX, boardManagerScope, createBoardToken, listBoardTokens, revokeBoardToken } from "~/models/board-token.server";
import { requireUser } from "~/utils/auth.server";
import { canManageBoard } from "~/utils/board-access.server";
import { formatDateTime } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Wall board settings · Accounting Factory" }];

async function requireBoardManager(request: Request) {
  const user = await requireUser(request);
  if (!canManageBoard(user)) throw new Response("Forbidden", { status: 403 });
  return user;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireBoardManager(request);
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

type TargetCode = "required" | "not_a_number" | "out_of_range" | "too_precise";
type ActionData =
  | { intent: "target"; ok: true; days: number }
  | { intent: "target"; ok: false; error: TargetCode; value: string }
  | { intent: "create"; ok: true; name: string; url: string; expiresAt: string }
  | { intent: "revoke"; ok: true; name: string }
  | { intent: "create" | "revoke"; ok: false; error: BoardTokenError["code"] };

export async function action({ request }: ActionFunctionArgs): Promise<ActionData> {
  const user = await requireBoardManager(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "target") {
    const value = String(form.get("days") ?? "");
    const saved = await saveBoardTarget({ actor: user, days: value });
    return saved.ok ? { intent, ok: true, days: saved.days } : { intent, ok: false, error: saved.code, value };
  }
  if (intent !== "create" && intent !== "revoke") throw new Response("Bad request", { status: 400 });
  try {
    if (intent === "create") {
      const made = await createBoardToken({ name: String(form.get("name") ?? ""), actorId: user.id, lifetimeDays: String(form.get("lifetimeDays") ?? "") });
      const url = new URL(`/board?${new URLSearchParams({ token: made.token })}`, request.url).toString();
      return { intent, ok: true, name: made.name, url, expiresAt: made.expiresAt.toISOString() };
    }
    const id = String(form.get("id") ?? "");
    const { name } = await revokeBoardToken({ id, actorId: user.id });
    return { intent, ok: true, name };
  } catch (err) {
    if (err instanceof BoardTokenError) return { intent, ok: false, error: err.code };
    throw err;
  }
}

export default function BoardSettings() {
  const { tokens, timeZone, targetDays, canCreate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("board");
  const locale = i18n.language;
  const busy = navigation.state !== "idle";
  const createError = result && result.intent === "create" && !result.ok ? result.error : null;
  const targetResult = result && result.intent === "target" ? result : null;

  return (
    <div className="stack">
      <div className="page-head">
        <h1>{t("settings.title")}</h1>
        <Link to="/board" className="button button-primary">{t("settings.openBoard")}</Link>
      </div>

      <section className="card">
        <h2>{t("settings.tokens")}</h2>
        <p className="muted">{t("settings.tokensIntro")}</p>

        {result && result.intent === "create" && result.ok ? (
          <div className="notice stack" role="status" data-testid="new-token">
            <strong>{t("settings.createdTitle", { name: result.name })}</strong>
            <input className="mono" readOnly value={result.url} aria-label={t("settings.createdTitle", { name: result.name })} data-testid="new-token-url" onFocus={(e) => e.currentTarget.select()} />
            <span>{t("settings.createdOnce")}</span>
            <span data-testid="new-token-expiry">{t("settings.createdExpires", { time: formatDateTime(result.expiresAt, locale, timeZone) })}</span>
          </div>
        ) : null}
        {result && result.intent === "revoke" ? (
          <p className={result.ok ? "notice" : "form-error"} role={result.ok ? "status" : "alert"}>
            {result.ok ? t("settings.revokedDone", { name: result.name }) : t(`settings.errors.${result.error}`)}
          </p>
        ) : null}

        {canCreate ? (
          <Form method="post" className="row" replace>
            <input type="hidden" name="intent" value="create" />
            <label className="field grow">
              <span>{t("settings.name")}</span>
              <input
                name="name"
                required
                maxLength={BOARD_TOKEN_NAME_MAX}
                placeholder={t("settings.namePlaceholder")}
                aria-invalid={createError ? true : undefined}
                aria-describedby={createError ? "token-name-error" : undefined}
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
        {createError ? <p className="field-error" id="token-name-error" role="alert">{t(`settings.errors.${createError}`)}</p> : null}

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
        {targetResult?.ok ? (
          <p className="notice" role="status" data-testid="target-saved">
            {t("settings.targetSaved", { value: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(targetResult.days) })}
          </p>
        ) : null}
        <Form method="post" className="row" replace>
          <input type="hidden" name="intent" value="target" />
          <label className="field">
            <span>{t("settings.targetDays")}</span>
            <input
              name="days"
              inputMode="decimal"
              required
              key={targetDays}
              defaultValue={targetResult && !targetResult.ok ? targetResult.value : String(targetDays)}
              aria-invalid={targetResult && !targetResult.ok ? true : undefined}
              aria-describedby={targetResult && !targetResult.ok ? "target-error" : undefined}
              data-testid="target-days"
            />
          </label>
          <button type="submit" className="button" disabled={busy}>{t("settings.saveTarget")}</button>
        </Form>
        {targetResult && !targetResult.ok ? (
          <p className="field-error" id="target-error" role="alert">{t(`settings.errors.target_${targetResult.error}`)}</p>
        ) : null}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
