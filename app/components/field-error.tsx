import { useTranslation } from "react-i18next";

/**
 * The one way a form shows what is wrong with a field (or, with no `name`, with the whole form): the
 * first error code, translated. A screen's own key (`prefix`, e.g. "rates.errors") wins; the shared
 * `forms.<code>` words are the fallback, then the code itself.
 */
export function FieldError({
  errors,
  id,
  name,
  prefix,
  ns,
  values,
}: {
  errors: readonly string[] | undefined;
  /** The error element's id, for `aria-describedby` (Conform: `field.errorId`). */
  id?: string;
  /** The field's name, used for the test id (`error-<name>`). */
  name?: string;
  prefix?: string;
  ns?: string;
  values?: Record<string, unknown>;
}) {
  const { t } = useTranslation(ns);
  const code = errors?.[0];
  if (!code) return null;
  const fallback = t(`forms.${code}`, { ns: "common", defaultValue: code, ...values });
  const text = prefix ? t(`${prefix}.${code}`, { defaultValue: fallback, ...values }) : fallback;
  return (
    <p className={name ? "field-error" : "form-error"} role="alert" id={id} data-testid={name ? `error-${name}` : "form-error"}>
      {text}
    </p>
  );
}
