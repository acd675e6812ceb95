import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { FieldError } from "~/components/field-error";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { currencyExponent } from "~/domain/money";
import { qaSettingsSchema } from "~/domain/qa-forms";
import { RATE_FIELDS } from "~/domain/qa-sampling";
import type { Role } from "~/generated/prisma/enums";
import { getQaSettings, saveQaSettings, settingsFormValues, thresholdCurrencies } from "~/models/qa-settings.server";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { parseForm } from "~/utils/forms";
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
  const submission = parseForm(await request.formData(), qaSettingsSchema(await thresholdCurrencies()));
  // A refused form comes back with what the admin typed and the problem of each field.
  if (submission.status !== "success") return submission.reply();
  const saved = await saveQaSettings({ admin: user, values: submission.payload });
  if (!saved.ok) return replyWithError(submission, new AppError("invalid", { fieldErrors: saved.problems, status: 200 }));
  // The form starts over from the saved settings, as the loader now reads them.
  return { ...submission.reply({ resetForm: true }), saved: true as const };
}

export default function QaSettings() {
  const data = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("quality");
  const locale = i18n.language;
  const busy = navigation.state !== "idle";
  const disabled = !data.canEdit;
  const schema = useMemo(() => qaSettingsSchema(data.currencies), [data.currencies]);
  const [form, fields] = useForm({
    lastResult,
    defaultValue: data.values,
    onValidate: ({ formData }) => parseForm(formData, schema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const refused = Object.values(form.allErrors).some((errors) => errors.length > 0);

  const field = (name: string, label: string, opts: { suffix?: string; inputMode?: "decimal" | "numeric"; hint?: string } = {}) => {
    const meta = fields[name]!;
    return (
      <label className="field qa-setting-field" key={name}>
        <span>{label}</span>
        <span className="qa-input-row">
          <input
            {...getInputProps(meta, { type: "text" })}
            key={meta.key}
            aria-describedby={meta.errors ? `${name}-error` : undefined}
            inputMode={opts.inputMode ?? "decimal"}
            disabled={disabled}
            data-testid={`setting-${name}`}
          />
          {opts.suffix ? <span className="muted">{opts.suffix}</span> : null}
        </span>
        <FieldError errors={meta.errors} id={`${name}-error`} name={name} ns="quality" prefix="settings.problem" />
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
      {lastResult && "saved" in lastResult ? (
        <p className="notice" role="status" data-testid="settings-saved">
          {t("settings.saved")}
        </p>
      ) : null}
      {refused ? <FieldError errors={["invalid"]} ns="quality" prefix="error" /> : null}

      <Form method="post" className="card stack" {...getFormProps(form)}>
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
