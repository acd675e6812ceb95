import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { RouteError } from "~/components/route-error";
import { AppError } from "~/domain/app-error";
import { isArchiveStaff } from "~/models/archive-staff.server";
import { createPacket, listPackets, packetCompanies } from "~/models/paper-packets.server";
import { requireUser } from "~/utils/auth.server";
import paperStyles from "~/styles/paper.css";
import { formatDateTime, localName } from "~/utils/format";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: paperStyles }];
export const meta: MetaFunction = () => [{ title: "Packets · Accounting Factory" }];

/** Packets the caller made; archive staff also those of their companies (?scope=all). Any signed-in user. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const staff = isArchiveStaff(user);
  const scope = staff && new URL(request.url).searchParams.get("scope") === "all" ? "all" : "mine";
  const [packets, companies] = await Promise.all([listPackets(user, { scope }), packetCompanies(user)]);
  return { user: { roles: user.roles }, staff, scope, packets, companies };
}

/** Makes a packet for one of the caller's packet companies (createPacket checks it). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await request.formData();
  try {
    const packet = await createPacket({ viewer: user, companyId: String(form.get("companyId") ?? ""), origin: String(form.get("origin") ?? "") });
    return redirect(`/archive/packets/${packet.id}`);
  } catch (err) {
    if (err instanceof AppError && err.code === "invalid") return { fieldErrors: err.fieldErrors };
    throw err;
  }
}

export default function Packets() {
  const { user, staff, scope, packets, companies } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation("paper");
  const busy = useNavigation().state !== "idle";
  const errors = result?.fieldErrors ?? {};
  return (
    <>
      <div className="page-head">
        <h1>{t("packets.title")}</h1>
      </div>
      <ArchiveNav roles={user.roles} />
      <p className="muted">{t("packets.intro")}</p>
      {staff ? (
        <nav className="filters" aria-label={t("packets.title")}>
          <Link to="/archive/packets" aria-current={scope === "mine" ? "page" : undefined}>
            {t("packets.mine")}
          </Link>
          <Link to="/archive/packets?scope=all" aria-current={scope === "all" ? "page" : undefined}>
            {t("packets.all")}
          </Link>
        </nav>
      ) : null}

      <section className="card" aria-labelledby="new-packet">
        <h2 id="new-packet">{t("packets.newTitle")}</h2>
        {companies.length === 0 ? (
          <p className="muted">{t("packets.noCompanies")}</p>
        ) : (
          <Form method="post" className="row" data-testid="new-packet">
            <label className="field">
              <span>{t("packets.company")}</span>
              <select name="companyId" defaultValue={companies[0]?.id} aria-invalid={errors.companyId ? true : undefined}>
                {companies.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.code} · {localName(c, i18n.language)}
                  </option>
                ))}
              </select>
              {errors.companyId ? <p className="field-error">{t(`refusal.${errors.companyId}`)}</p> : null}
            </label>
            <label className="field" style={{ flex: "1 1 16rem" }}>
              <span>{t("packets.origin")}</span>
              <input name="origin" maxLength={120} placeholder={t("packets.originHint")} aria-invalid={errors.origin ? true : undefined} />
              {errors.origin ? <p className="field-error">{t(`refusal.${errors.origin}`)}</p> : null}
            </label>
            <button type="submit" className="button button-primary" disabled={busy}>
              {t("packets.create")}
            </button>
          </Form>
        )}
      </section>

      <section className="card" aria-label={scope === "all" ? t("packets.all") : t("packets.mine")}>
        {packets.length === 0 ? (
          <p className="empty" data-testid="no-packets">
            {t("packets.empty")}
          </p>
        ) : (
          <div className="table-wrap flat">
            <table className="data responsive" data-testid="packets">
              <thead>
                <tr>
                  <th scope="col">{t("packets.code")}</th>
                  <th scope="col">{t("packets.status")}</th>
                  <th scope="col">{t("packets.company")}</th>
                  <th scope="col" className="num">
                    {t("packets.claims")}
                  </th>
                  <th scope="col">{t("packets.createdBy")}</th>
                  <th scope="col">{t("packets.carrier")}</th>
                  <th scope="col">{t("packets.sentAt")}</th>
                </tr>
              </thead>
              <tbody>
                {packets.map((p) => (
                  <tr key={p.id} data-testid={`packet-${p.code}`}>
                    <td data-label={t("packets.code")}>
                      <Link to={`/archive/packets/${p.id}`}>
                        <code>{p.code}</code>
                      </Link>
                    </td>
                    <td data-label={t("packets.status")}>
                      <span className={`badge packet-${p.status}`}>{t(`status.${p.status}`)}</span>
                    </td>
                    <td data-label={t("packets.company")}>
                      <div>
                        {p.company.code} · {localName(p.company, i18n.language)}
                        {p.origin ? <div className="muted">{p.origin}</div> : null}
                      </div>
                    </td>
                    <td data-label={t("packets.claims")} className="num">
                      {p.items}
                    </td>
                    <td data-label={t("packets.createdBy")}>
                      <div>
                        {p.createdBy}
                        <div className="muted">{formatDateTime(p.createdAt, i18n.language)}</div>
                      </div>
                    </td>
                    <td data-label={t("packets.carrier")}>{p.carrier ? `${p.carrier} · ${p.trackingNumber ?? ""}` : "—"}</td>
                    <td data-label={t("packets.sentAt")}>{p.sentAt ? formatDateTime(p.sentAt, i18n.language) : "—"}</td>
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
