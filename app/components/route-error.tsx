import { Link, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The body of every error page: 403 and 404 in words a person understands, anything else logged. */
export function RouteError() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (status !== 404 && status !== 403) console.error(error);
  const [title, body] =
    status === 404
      ? [t("errors.notFoundTitle"), t("errors.notFound")]
      : status === 403
        ? [t("errors.forbiddenTitle"), t("errors.forbidden")]
        : [t("errors.genericTitle"), t("errors.generic")];
  return (
    <div className="error-page" role="alert">
      <p className="error-code">{status}</p>
      <h1>{title}</h1>
      <p>{body}</p>
      <Link to="/claims" className="button">{t("errors.back")}</Link>
    </div>
  );
}
