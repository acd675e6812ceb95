/**
 * The links of a list's pager (app/components/pager.tsx): the current URL's query with only the page
 * (or the cursor) changed, so every filter and other parameter stays as it is. One-off parameters (a
 * "saved" or "proposed" notice) are dropped so the notice does not follow the reader from page to page.
 */
export function pageSearch(search: string, param: string, value: string | null, drop: readonly string[] = []): string {
  const p = new URLSearchParams(search);
  for (const d of drop) p.delete(d);
  if (value === null) p.delete(param);
  else p.set(param, value);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** Page `page` of a numbered list: page 1 is the list without the parameter. */
export function pageHref(pathname: string, search: string, page: number, opts: { param?: string; drop?: readonly string[] } = {}): string {
  return pathname + pageSearch(search, opts.param ?? "page", page > 1 ? String(page) : null, opts.drop);
}

export type PageWindow = { from: number; to: number; pages: number };

/** Which rows a page shows (1-based, inclusive) and how many pages there are; an empty list has one page. */
export function pageWindow(page: number, pageSize: number, total: number, count: number): PageWindow {
  const pages = Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
  const from = count === 0 ? 0 : (page - 1) * pageSize + 1;
  return { from, to: count === 0 ? 0 : from + count - 1, pages };
}
