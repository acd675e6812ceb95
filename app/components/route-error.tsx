import { Link, isRouteErrorResponse, useLocation, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The body of every error page: 403, 404 and 503 (a database or Redis outage: try again) in words a person understands, anything else logged. */
export function RouteError() {
  const error = useRouteError();
  const { t } = useTranslation();
  const location = useLocation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (status !== 404 && status !== 403 && status !== 503) console.error(error);
  const [title, body] =
    status === 503
      ? [t("errors.unavailableTitle"), t("errors.unavailable")]
      : status === 404
      ? [t("errors.notFoundTitle"), t("errors.notFound")]
      : status === 403
        ? [t("errors.forbiddenTitle"), t("errors.forbidden")]
        : [t("errors.genericTitle"), t("errors.generic")];
  return (
    <div className="error-page" role="alert">
      <p className="error-code">{status}</p>
      <h1>{title}</h1>
      <p>{body}</p>
      {status === 503 ? (
        // A plain link to the same address: a full reload, which asks the server again.
        <a href={location.pathname + location.search} className="button" data-testid="try-again">{t("errors.tryAgain")}</a>
      ) : (
        <Link to="/claims" className="button">{t("errors.back")}</Link>
      )}
    </div>
  );
}
