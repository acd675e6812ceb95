import { Link, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { pageHref, pageSearch, pageWindow } from "./pager-links";

type Common = {
  /** Names the list the pager moves through (the nav's accessible name). */
  label?: string;
  /** One-off query parameters (notices) not carried to the other pages. */
  drop?: readonly string[];
  testId?: string;
};

/** A numbered list: page, page size, total rows and rows on this page. */
type Numbered = Common & { page: number; pageSize: number; total: number; count: number; param?: string };
/** A keyset list: the cursor of this page (null on the first) and of the next (null on the last). */
type Keyset = Common & { after: string | null; next: string | null; param?: string };

/**
 * The one pager of the archive and ledger lists: "1–50 of 120" and Previous / Next (or, for a keyset
 * list, First page / More) as ordinary links that keep every other query parameter. Plain links, so
 * Tab and Enter work and the browser's back button returns to the page before.
 */
export function Pager(props: Numbered | Keyset) {
  const { t } = useTranslation();
  const { pathname, search } = useLocation();
  const label = props.label ?? t("pager.label");
  if ("page" in props) {
    const { from, to, pages } = pageWindow(props.page, props.pageSize, props.total, props.count);
    const href = (page: number) => pageHref(pathname, search, page, { param: props.param, drop: props.drop });
    return (
      <nav className="pager" aria-label={label} data-testid={props.testId}>
        <span className="muted" data-testid={props.testId ? `${props.testId}-shown` : undefined}>
          {t("pager.shown", { from, to, total: props.total })}
          {pages > 1 ? <span className="visually-hidden"> · {t("pager.page", { page: props.page, pages })}</span> : null}
        </span>
        {pages > 1 ? (
          <span className="row">
            {props.page > 1 ? (
              <Link className="button" to={href(props.page - 1)} rel="prev">
                {t("pager.previous")}
              </Link>
            ) : null}
            {props.page < pages ? (
              <Link className="button" to={href(props.page + 1)} rel="next">
                {t("pager.next")}
              </Link>
            ) : null}
          </span>
        ) : null}
      </nav>
    );
  }
  const param = props.param ?? "after";
  if (props.after === null && props.next === null) return null;
  return (
    <nav className="pager" aria-label={label} data-testid={props.testId}>
      <span className="row">
        {props.after !== null ? (
          <Link className="button" to={pathname + pageSearch(search, param, null, props.drop)} rel="first">
            {t("pager.first")}
          </Link>
        ) : null}
        {props.next !== null ? (
          <Link className="button" to={pathname + pageSearch(search, param, props.next, props.drop)} rel="next" data-testid={props.testId ? `${props.testId}-more` : undefined}>
            {t("pager.more")}
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
