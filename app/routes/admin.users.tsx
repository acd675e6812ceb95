import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { RouteError } from "~/components/route-error";
import { isAppError } from "~/domain/app-error";
import { ALL_ROLES, listUsers, updateUserRights, type UserAdminErrorCode } from "~/models/user-admin.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { prisma } from "~/utils/db.server";
import { requireRole } from "~/utils/auth.server";
import { localName } from "~/utils/format";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Users · Accounting Factory" }];

/** Admins only: who holds which roles, who is active, which companies each back-office user works for. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ADMIN");
  const url = new URL(request.url);
  const search = (url.searchParams.get("q") ?? "").slice(0, 100);
  const [users, companies] = await Promise.all([
    listUsers({ search }),
    prisma.company.findMany({ orderBy: { code: "asc" }, select: { id: true, code: true, name: true, nameZh: true } }),
  ]);
  return { users, companies, search, editId: url.searchParams.get("edit") };
}

const RightsSchema = z.object({
  userId: z.string().uuid().or(z.string().min(1).max(64)),
  roles: z.array(z.enum(ALL_ROLES)).default([]),
  companyIds: z.array(z.string().max(64)).default([]),
  active: z.boolean().default(false),
});

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, "ADMIN");
  const submission = parseForm(await request.formData(), RightsSchema);
  if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
  const { userId, roles, active, companyIds } = submission.value;
  try {
    const { changed } = await updateUserRights({ actorId: admin.id, userId, roles, active, companyIds });
    return { ok: true as const, userId, changed };
  } catch (err) {
    if (isAppError<UserAdminErrorCode>(err, "self_lockout", "no_roles", "unknown_company")) return { ok: false as const, userId, code: err.code };
    throwAsResponse(err);
  }
}

export default function Users() {
  const { users, companies, search, editId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("admin");
  const companyCode = new Map(companies.map((c) => [c.id, c.code]));
  return (
    <>
      <div className="page-head">
        <h1>{t("users.title")}</h1>
      </div>
      <p className="muted">{t("users.intro")}</p>
      <Form method="get" className="row" role="search">
        <label className="field">
          <span>{t("users.search")}</span>
          <input name="q" type="search" defaultValue={search} />
        </label>
        <button type="submit" className="button">{t("users.find")}</button>
      </Form>
      <FieldError errors={result?.ok === false ? [result.code] : undefined} ns="admin" prefix="users.errors" />
      {result?.ok ? <p className="notice" role="status">{result.changed.length > 0 ? t("users.saved") : t("users.unchanged")}</p> : null}
      <div style={{ height: "1rem" }} />
      {users.length === 0 ? (
        <p className="empty card">{t("users.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data responsive" data-testid="users">
            <thead>
              <tr>
                <th scope="col">{t("users.user")}</th>
                <th scope="col">{t("users.roles")}</th>
                <th scope="col">{t("users.companies")}</th>
                <th scope="col">{t("users.status")}</th>
                <th scope="col"><span className="visually-hidden">{t("edit")}</span></th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) =>
                u.id === editId ? (
                  <tr key={u.id}>
                    <td colSpan={5}>
                      <RightsForm aria-label={u.email}>
                        <input type="hidden" name="userId" value={u.id} />
                        <strong>{u.name} · {u.email}</strong>
                        <fieldset className="row">
                          <legend>{t("users.roles")}</legend>
                          {ALL_ROLES.map((r) => (
                            <label key={r} className="admin-check-inline">
                              <input type="checkbox" name="roles" value={r} defaultChecked={u.roles.includes(r)} /> {t(`common:roles.${r}`)}
                            </label>
                          ))}
                        </fieldset>
                        <fieldset className="row">
                          <legend>{t("users.companies")}</legend>
                          {companies.map((c) => (
                            <label key={c.id} className="admin-check-inline">
                              <input type="checkbox" name="companyIds" value={c.id} defaultChecked={u.companyIds.includes(c.id)} /> {c.code} {localName(c, i18n.language)}
                            </label>
                          ))}
                        </fieldset>
                        <label className="admin-check-inline">
                          <input type="checkbox" name="active" defaultChecked={u.active} /> {t("users.active")}
                        </label>
                        <p className="muted">{t("users.revokes")}</p>
                        <div className="row">
                          <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>{t("users.save")}</button>
                          <Link to={`?q=${encodeURIComponent(search)}`} className="button button-quiet">{t("users.cancel")}</Link>
                        </div>
                      </RightsForm>
                    </td>
                  </tr>
                ) : (
                  <tr key={u.id}>
                    <td data-label={t("users.user")}>
                      {u.name}
                      <br />
                      <span className="muted">{u.email}</span>
                    </td>
                    <td data-label={t("users.roles")}>{u.roles.map((r) => t(`common:roles.${r}`)).join(", ")}</td>
                    <td data-label={t("users.companies")}>{u.companyIds.map((id) => companyCode.get(id) ?? "?").join(", ") || "—"}</td>
                    <td data-label={t("users.status")}>{u.active ? t("users.active") : <span className="badge badge-REJECTED">{t("users.inactive")}</span>}</td>
                    <td>
                      <Link to={`?q=${encodeURIComponent(search)}&edit=${u.id}`} className="button button-quiet">{t("edit")}</Link>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The one user being edited: roles, companies, active; parsed by RightsSchema in the browser and the action. */
function RightsForm({ children, "aria-label": label }: { children: React.ReactNode; "aria-label": string }) {
  const [form] = useForm({ id: "rights", onValidate: ({ formData }) => parseForm(formData, RightsSchema), shouldValidate: "onSubmit" });
  return (
    <Form method="post" className="stack" aria-label={label} {...getFormProps(form)}>
      {children}
    </Form>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
