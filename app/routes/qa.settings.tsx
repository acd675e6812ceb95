import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RouteError } from "~/components/route-error";
import { currencyExponent } from "~/domain/money";
import type { Role } from "~/generated/prisma/enums";
import { RATE_FIELDS } from "~/domain/qa-sampling";
import { getQaSettings, saveQaSettings, settingsFormValues, thresholdCurrencies, type SettingsProblem } from "~/models/qa.server";
import { hasRole, requireRole } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Quality sampling settings · Accounting Factory" }];

const VIEWER_ROLES = ["SUPERVISOR", "ADMIN"] as const satisfies readonly Role[];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...VIEWER_ROLES);
  const [settings, currencies] = await Promise.all([getQaSettings(), thresholdCurrencies()]);
  return {
    canEdit: hasRole(user, "ADMIN"),
    values: settingsFormValues(settings, currencies),
    currencies,
    updatedAt: settings.updatedByName ? settings.updatedAt : null,
    updatedByName: settings.updatedByName,
    timeZone: user.timeZone,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const form = await request.formData();
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") values[key] = value;
  const result = await saveQaSettings({ admin: user, values });
  // The typed values come back so a refused form keeps what the admin wrote.
  return result.ok ? { ok: true as const, values: null, problems: {} } : { ok: false as const, values, problems: result.problems as Record<string, SettingsProblem> };
}

export default function QaSettings() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("quality");
  const locale = i18n.language;
  const busy = navigation.state !== "idle";
  const values = result && !result.ok && result.values ? result.values : data.values;
  const problems: Record<string, SettingsProblem | undefined> = result?.problems ?? {};
  const disabled = !data.canEdit;

  const field = (name: string, label: string, opts: { suffix?: string; inputMode?: "decimal" | "numeric"; hint?: string } = {}) => {
    const problem = problems[name];
    return (
      <label className="field qa-setting-field" key={name}>
        <span>{label}</span>
        <span className="qa-input-row">
          <input
            name={name}
            defaultValue={values[name] ?? ""}
            inputMode={opts.inputMode ?? "decimal"}
            disabled={disabled}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${name}-error` : undefined}
            data-testid={`setting-${name}`}
          />
          {opts.suffix ? <span className="muted">{opts.suffix}</span> : null}
        </span>
        {problem ? (
          <span className="field-error" id={`${name}-error`} role="alert">
            {t(`settings.problem.${problem}`)}
          </span>
        ) : null}
      </label>
    );
  };

  return (
    <div className="narrow qa-settings">
      <div className="page-head">
        <h1>{t("settings.title")}</h1>
        <Link to="/qa" className="button button-small">{t("settings.back")}</Link>
      </div>
      <p className="muted">{t("settings.intro")}</p>
      {!data.canEdit ? <p className="notice">{t("settings.readOnly")}</p> : null}
      {result?.ok ? (
        <p className="notice" role="status" data-testid="settings-saved">
          {t("settings.saved")}
        </p>
      ) : null}
      {result && !result.ok ? (
        <p className="form-error" role="alert">
          {t("error.invalid")}
        </p>
      ) : null}

      <Form method="post" className="card stack" key={result?.ok ? "saved" : "form"}>
        <fieldset className="admin-fieldset stack">
          <legend>{t("settings.rates")}</legend>
          <p className="muted small">{t("settings.ratesHint")}</p>
          <div className="qa-settings-grid">{RATE_FIELDS.map((name) => field(name, t(`settings.${name}`), { suffix: "%" }))}</div>
        </fieldset>
        <fieldset className="admin-fieldset stack">
          <legend>{t("settings.newOperator")}</legend>
          <p className="muted small">{t("settings.newOperatorHint")}</p>
          <div className="qa-settings-grid">
            {field("newOperatorDays", t("settings.newOperatorDays"), { inputMode: "numeric" })}
            {field("newOperatorReviews", t("settings.newOperatorReviews"), { inputMode: "numeric" })}
          </div>
        </fieldset>
        <fieldset className="admin-fieldset stack">
          <legend>{t("settings.thresholds")}</legend>
          <p className="muted small">{t("settings.thresholdsHint")}</p>
          <div className="qa-settings-grid">
            {data.currencies.map((c) => field(`threshold_${c}`, c, { inputMode: currencyExponent(c) > 0 ? "decimal" : "numeric" }))}
          </div>
        </fieldset>
        <p className="muted small">
          {data.updatedAt && data.updatedByName
            ? t("settings.updated", { when: formatDateTime(data.updatedAt, locale, data.timeZone), name: data.updatedByName })
            : t("settings.neverUpdated")}
        </p>
        {data.canEdit ? (
          <div className="row">
            <button type="submit" className="button button-primary" disabled={busy} data-testid="save-settings">
              {t("settings.save")}
            </button>
          </div>
        ) : null}
      </Form>
    </div>
  );
}

export const ErrorBoundary = RouteError;
