import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Link,
  useLoaderData,
  useNavigate,
  useNavigation,
  useParams,
  useRevalidator,
  useSearchParams,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { DeepZoomViewer, type DeepZoomHandle } from "~/components/deep-zoom-viewer";
import { RouteError } from "~/components/route-error";
import { ViewerIcon, type ViewerIconName } from "~/components/viewer-icons";
import {
  nextPage,
  nextReceipt,
  positionSearch,
  previousPage,
  previousReceipt,
  resolvePosition,
  rotateClockwise,
  rotationKey,
  type NavReceipt,
  type ViewerPosition,
} from "~/components/viewer-navigation";
import { actionForKey, isTypingTarget, SHORTCUTS, shortcutHint, type ViewerAction } from "~/components/viewer-shortcuts";
import { acceptSyncMessage, openSyncChannel, postSync, viewerPath } from "~/components/workstation-sync";
import { formatMoney } from "~/domain/money";
import { DEFAULT_LOCALE, isLocale } from "~/i18n/config";
import { resources } from "~/i18n/resources";
import { getClaimDetail } from "~/models/claim.server";
import { requireUser } from "~/utils/auth.server";
import viewerStyles from "~/styles/viewer.css";

// Full window, no top bar: this is the second-monitor view.
export const handle = { chrome: false };

export const links: LinksFunction = () => [{ rel: "stylesheet", href: viewerStyles }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const claim = await getClaimDetail({ claimId: params.claimId ?? "", viewer: user });
  if (!claim) throw new Response("Not found", { status: 404 });
  // Only what the viewer shows: the claim page's other fields stay on the claim page.
  return {
    number: claim.number,
    purpose: claim.purpose,
    receipts: claim.receipts.map((r) => ({
      id: r.id,
      fileName: r.fileName,
      status: r.status,
      failureCode: r.failureCode,
      pages: r.pages.map((p) => ({ width: p.width, height: p.height })),
      lineIds: r.lineIds,
    })),
    lines: claim.lines.map((l) => ({
      id: l.id,
      position: l.position,
      merchant: l.merchant,
      amount: l.amount,
      spentOn: l.spentOn,
      categoryName: l.categoryName,
      categoryNameZh: l.categoryNameZh,
    })),
  };
}

/**
 * Stepping through receipts only changes ?receipt=&page=; the claim data is already here, so this
 * route's loader is not re-run for it. Polling (revalidate) and form submissions still reload it.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) => {
  if (!formMethod && currentUrl.pathname === nextUrl.pathname && currentUrl.search !== nextUrl.search) return false;
  return defaultShouldRevalidate;
};

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const rootLocale = (matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined)?.locale;
  const locale = isLocale(rootLocale) ? rootLocale : DEFAULT_LOCALE;
  if (!data) return [{ title: "Accounting Factory" }];
  return [{ title: resources[locale].viewer.metaTitle.replace("{{number}}", data.number) }];
};

type ViewerData = ReturnType<typeof useLoaderData<typeof loader>>;
type ViewReceipt = ViewerData["receipts"][number];
type ViewLine = ViewerData["lines"][number];

const FAILURE_CODES = ["corrupt_image", "encrypted_pdf", "unsupported_type", "too_many_pixels", "too_many_pages", "unknown"] as const;
type FailureCode = (typeof FAILURE_CODES)[number];

function failureCode(code: string | null): FailureCode {
  return (FAILURE_CODES as readonly (string | null)[]).includes(code) ? (code as FailureCode) : "unknown";
}

const POLL_MS = 2_000;
const URL_SYNC_MS = 250;

function receiptBase(receiptId: string): string {
  return `/files/receipts/${encodeURIComponent(receiptId)}`;
}

/** Pages a receipt shows; anything not READY has no pages yet. */
function pagesOf(receipt: ViewReceipt): number {
  return receipt.status === "READY" ? receipt.pages.length : 0;
}

function parseRotations(raw: string | null): Record<string, number> {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === "number" && e[1] % 90 === 0),
    );
  } catch {
    return {};
  }
}

export default function ReceiptViewer() {
  const data = useLoaderData<typeof loader>();
  const { claimId = "" } = useParams();
  const { t, i18n } = useTranslation("viewer");
  const [searchParams, setSearchParams] = useSearchParams();
  const navigation = useNavigation();

  const viewerRef = useRef<DeepZoomHandle>(null);
  const stripRef = useRef<HTMLElement>(null);
  const helpRef = useRef<HTMLDialogElement>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [rotations, setRotations] = useState<Record<string, number>>({});
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  // The lines the workstation last selected ("show"); their chips are emphasised.
  const [highlightLineIds, setHighlightLineIds] = useState<string[]>([]);
  const navigate = useNavigate();

  const nav = useMemo<NavReceipt[]>(
    () => data.receipts.map((r) => ({ id: r.id, pageCount: pagesOf(r) })),
    [data.receipts],
  );
  // Where the viewer is lives in state, read from the URL once. Steps update it synchronously (a held
  // "j" must not lose presses to a render that has not happened yet); the URL follows it below.
  const [at, setAt] = useState<{ receiptId: string | null; page: string | null }>(() => ({
    receiptId: searchParams.get("receipt"),
    page: searchParams.get("page"),
  }));
  // Same route, another claim ("claim" from the workstation, or the back/forward buttons): start over
  // from the URL (adjusting state during render, so no frame shows the old claim's position).
  const [atClaimId, setAtClaimId] = useState(claimId);
  if (atClaimId !== claimId) {
    setAtClaimId(claimId);
    setAt({ receiptId: searchParams.get("receipt"), page: searchParams.get("page") });
    setHighlightLineIds([]);
  }
  const position = resolvePosition(nav, at.receiptId, at.page);
  const receipt = position ? data.receipts[position.receiptIndex] : undefined;
  const pageCount = receipt ? pagesOf(receipt) : 0;
  const page = position?.page ?? 1;
  const dziUrl = receipt?.status === "READY" ? `${receiptBase(receipt.id)}/p${page}.dzi` : null;
  const rotation = receipt ? (rotations[rotationKey(receipt.id, page)] ?? 0) : 0;
  const dziUrlRef = useRef(dziUrl);
  dziUrlRef.current = dziUrl;

  const moveTo = (target: ViewerPosition) => {
    const id = nav[target.receiptIndex]?.id;
    if (id) setAt({ receiptId: id, page: String(target.page) });
  };
  const step = (to: (list: readonly NavReceipt[], from: ViewerPosition) => ViewerPosition | null) => {
    setAt((prev) => {
      const from = resolvePosition(nav, prev.receiptId, prev.page);
      const target = from && to(nav, from);
      const id = target && nav[target.receiptIndex]?.id;
      return target && id ? { receiptId: id, page: String(target.page) } : prev;
    });
  };

  // The URL follows (replace, no scroll), so a reload comes back here. Debounced: flipping through
  // ten pages writes it once, instead of starting (and aborting) ten router navigations.
  const currentReceiptId = receipt?.id ?? null;
  useEffect(() => {
    if (currentReceiptId === null) return;
    if (searchParams.get("receipt") === currentReceiptId && searchParams.get("page") === String(page)) return;
    const timer = window.setTimeout(() => {
      setSearchParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          next.set("receipt", currentReceiptId);
          next.set("page", String(page));
          return next;
        },
        { replace: true, preventScrollReset: true },
      );
    }, URL_SYNC_MS);
    return () => window.clearTimeout(timer);
  }, [currentReceiptId, page, searchParams, setSearchParams]);

  // In step with the workstation (BroadcastChannel "af-workstation", see workstation-sync): it says which
  // line is selected ("show") and when it moved to another claim ("claim"). Not debounced: immediate.
  const syncStateRef = useRef({ receiptId: currentReceiptId, page, lineIds: highlightLineIds });
  syncStateRef.current = { receiptId: currentReceiptId, page, lineIds: highlightLineIds };
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  // The claim a "claim" message already sent this window to: the workstation says it twice (early, from
  // its redirect, and once loaded), and starting the same navigation again would only restart it.
  const followingRef = useRef<string | null>(null);
  useEffect(() => {
    followingRef.current = null;
    const channel = openSyncChannel();
    if (!channel) return;
    channel.onmessage = (event: MessageEvent) => {
      const message = acceptSyncMessage(event.data, claimId);
      if (!message) return;
      switch (message.type) {
        case "show":
          setAt({ receiptId: message.receiptId, page: String(message.page) });
          setHighlightLineIds(message.lineIds);
          return;
        case "claim":
          if (message.claimId !== claimId && message.claimId !== followingRef.current) {
            followingRef.current = message.claimId;
            navigateRef.current(viewerPath(message.claimId, message.receiptId));
          }
          return;
        case "hello":
          if (message.from === "workstation") {
            const state = syncStateRef.current;
            postSync(channel, { type: "state", from: "viewer", claimId, receiptId: state.receiptId, page: state.page, lineIds: state.lineIds });
          }
          return;
        case "state":
          if (message.from !== "workstation") return;
          setHighlightLineIds(message.lineIds);
          // Keep the page when already on that receipt (a reload of this window keeps its place).
          if (message.receiptId !== null && message.receiptId !== syncStateRef.current.receiptId) {
            setAt({ receiptId: message.receiptId, page: String(message.page) });
          }
          return;
      }
    };
    postSync(channel, { type: "hello", from: "viewer", claimId });
    return () => {
      channel.onmessage = null;
      channel.close();
    };
  }, [claimId]);

  // Rotations last for the browser session (sessionStorage), so a reload keeps a turned receipt turned.
  const rotationsStorageKey = `af.viewer.rotations.${claimId}`;
  const rotationsDirty = useRef(false);
  useEffect(() => {
    try {
      setRotations(parseRotations(window.sessionStorage.getItem(rotationsStorageKey)));
    } catch {
      // Storage can be disabled; rotations then last until the page is left.
    }
  }, [rotationsStorageKey]);
  useEffect(() => {
    if (!rotationsDirty.current) return;
    try {
      window.sessionStorage.setItem(rotationsStorageKey, JSON.stringify(rotations));
    } catch {
      // See above.
    }
  }, [rotations, rotationsStorageKey]);

  const run = (action: ViewerAction): void => {
    switch (action) {
      case "zoomIn":
        return viewerRef.current?.zoomIn();
      case "zoomOut":
        return viewerRef.current?.zoomOut();
      case "fit":
        return viewerRef.current?.fit();
      case "rotate": {
        if (receipt?.status !== "READY") return;
        const key = rotationKey(receipt.id, page);
        rotationsDirty.current = true;
        return setRotations((prev) => ({ ...prev, [key]: rotateClockwise(prev[key] ?? 0) }));
      }
      case "nextReceipt":
        return step(nextReceipt);
      case "previousReceipt":
        return step(previousReceipt);
      case "nextPage":
        return step(nextPage);
      case "previousPage":
        return step(previousPage);
      case "toggleHelp":
        return setHelpOpen((open) => !open);
      case "closeHelp":
        return setHelpOpen(false);
    }
  };
  // The key listener is attached once and always calls the latest render's actions.
  const runRef = useRef(run);
  runRef.current = run;
  const helpOpenRef = useRef(helpOpen);
  helpOpenRef.current = helpOpen;

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (isTypingTarget(event.target instanceof HTMLElement ? event.target : null)) return;
      const action = actionForKey(event);
      if (!action) return;
      const helpIsOpen = helpOpenRef.current;
      if (action === "closeHelp" && !helpIsOpen) return;
      // The help overlay is modal: only its own keys work while it is open.
      if (helpIsOpen && action !== "toggleHelp" && action !== "closeHelp") return;
      event.preventDefault();
      runRef.current(action);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  useEffect(() => {
    const dialog = helpRef.current;
    if (!dialog) return;
    if (helpOpen && !dialog.open) dialog.showModal();
    if (!helpOpen && dialog.open) dialog.close();
  }, [helpOpen]);

  // Poll while the imaging worker is still on any receipt; stops by itself once none is left.
  // (Not usePollWhile: a poll must wait for an in-flight step to finish, or revalidate() aborts it.)
  const anyProcessing = data.receipts.some((r) => r.status === "PROCESSING");
  const revalidator = useRevalidator();
  const pollRef = useRef(() => {});
  pollRef.current = () => {
    if (revalidator.state === "idle" && navigation.state === "idle" && document.visibilityState === "visible") {
      revalidator.revalidate();
    }
  };
  useEffect(() => {
    if (!anyProcessing) return;
    const timer = window.setInterval(() => pollRef.current(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [anyProcessing]);

  // Keep the current thumbnail in view when stepping with the keyboard.
  const currentKey = receipt ? rotationKey(receipt.id, page) : "";
  useEffect(() => {
    const strip = stripRef.current;
    const current = strip?.querySelector<HTMLElement>('[aria-current="true"]');
    if (!strip || !current) return;
    const margin = 16;
    const start = current.offsetLeft - margin;
    const end = current.offsetLeft + current.offsetWidth + margin;
    if (start < strip.scrollLeft) strip.scrollTo({ left: start, behavior: "smooth" });
    else if (end > strip.scrollLeft + strip.clientWidth) strip.scrollTo({ left: end - strip.clientWidth, behavior: "smooth" });
  }, [currentKey]);

  const linesById = useMemo(() => new Map(data.lines.map((l) => [l.id, l])), [data.lines]);
  const receiptLines = (receipt?.lineIds ?? [])
    .map((id) => linesById.get(id))
    .filter((l): l is ViewLine => l !== undefined)
    .sort((a, b) => a.position - b.position);

  const count = data.receipts.length;
  const ready = receipt?.status === "READY";
  const canPrevReceipt = position !== null && previousReceipt(nav, position) !== null;
  const canNextReceipt = position !== null && nextReceipt(nav, position) !== null;
  const canPrevPage = position !== null && previousPage(nav, position) !== null;
  const canNextPage = position !== null && nextPage(nav, position) !== null;
  const openFailed = dziUrl !== null && failedUrl === dziUrl;

  const label = (action: ViewerAction) => t(`actions.${action}`);
  const button = (action: ViewerAction, icon: ViewerIconName, disabled = false, extra?: ReactNode) => (
    <ToolButton action={action} icon={icon} label={label(action)} disabled={disabled} onClick={() => run(action)}>
      {extra}
    </ToolButton>
  );

  return (
    <div
      className="viewer-app"
      data-receipt-id={receipt?.id}
      data-page={receipt ? page : undefined}
      data-highlight-line-ids={highlightLineIds.join(" ")}
    >
      <header className="viewer-toolbar">
        <div className="vt-row">
          <Link to={`/claims/${encodeURIComponent(claimId)}`} className="vt-back" title={t("backToClaim", { number: data.number })}>
            <ViewerIcon name="back" size={18} />
            <span className="vt-claim-number">{data.number}</span>
          </Link>
          <span className="vt-purpose" title={data.purpose}>
            {data.purpose}
          </span>
          <div className="vt-controls" role="toolbar" aria-label={t("toolbarLabel")}>
            {receipt ? (
              <>
                <div className="vt-group vt-receipt-nav">
                  {button("previousReceipt", "previous", !canPrevReceipt)}
                  <p className="vt-receipt" aria-live="polite" data-testid="receipt-index">
                    <span className="vt-receipt-index">
                      {t("receiptIndex", { index: (position?.receiptIndex ?? 0) + 1, count })}
                    </span>
                    <span className="vt-sep" aria-hidden="true">
                      ·
                    </span>
                    <span className="vt-file" title={receipt.fileName}>
                      {receipt.fileName}
                    </span>
                  </p>
                  {button("nextReceipt", "next", !canNextReceipt)}
                </div>
                <div className="vt-group vt-page-nav">
                  {button("previousPage", "up", !canPrevPage)}
                  <span
                    className="vt-page"
                    data-testid="page-indicator"
                    aria-label={pageCount > 0 ? t("pageLabel", { page, count: pageCount }) : undefined}
                  >
                    {pageCount > 0 ? t("pageIndicator", { page, count: pageCount }) : "– / –"}
                  </span>
                  {button("nextPage", "down", !canNextPage)}
                </div>
                <div className="vt-group vt-zoom">
                  {button("zoomOut", "zoomOut", !ready)}
                  {button("zoomIn", "zoomIn", !ready)}
                  {button("fit", "fit", !ready)}
                  {button("rotate", "rotate", !ready)}
                </div>
                <div className="vt-group vt-download-group">
                  <a
                    className="vt-button vt-download"
                    href={`${receiptBase(receipt.id)}/original`}
                    download={receipt.fileName}
                    aria-label={t("actions.download")}
                    title={t("actions.download")}
                  >
                    <ViewerIcon name="download" />
                    <span className="vt-button-text">{t("actions.downloadShort")}</span>
                  </a>
                </div>
              </>
            ) : null}
            <div className="vt-group vt-help-group">
              {button("toggleHelp", "help", false)}
            </div>
          </div>
        </div>
        {receipt ? (
          <ul className="vt-lines" aria-label={t("lines.label")} data-testid="receipt-lines">
            {receiptLines.length === 0 ? <li className="vt-chip vt-chip-none">{t("lines.none")}</li> : null}
            {receiptLines.map((line) => (
              <LineChip
                key={line.id}
                line={line}
                locale={i18n.language}
                chipLabel={t("lines.chip", { position: line.position })}
                highlighted={highlightLineIds.includes(line.id)}
              />
            ))}
          </ul>
        ) : null}
      </header>

      <main className="viewer-stage">
        {count === 0 ? (
          <StatusPanel icon="document" title={t("empty.title")} testId="viewer-empty">
            <p>{t("empty.body")}</p>
            <Link to={`/claims/${encodeURIComponent(claimId)}`} className="vt-button vt-button-wide">
              {t("backToClaim", { number: data.number })}
            </Link>
          </StatusPanel>
        ) : (
          <>
            <DeepZoomViewer
              ref={viewerRef}
              dziUrl={dziUrl}
              rotation={rotation}
              label={
                receipt ? t("imageLabel", { index: (position?.receiptIndex ?? 0) + 1, page, name: receipt.fileName }) : ""
              }
              loadingLabel={t("loading")}
              onOpenFailed={() => setFailedUrl(dziUrlRef.current)}
              onReady={() => setFailedUrl(null)}
            />
            {receipt?.status === "PROCESSING" ? (
              <StatusPanel icon="clock" title={t("processing.title")} testId="viewer-processing" busy>
                <p>{t("processing.body")}</p>
              </StatusPanel>
            ) : null}
            {receipt?.status === "FAILED" ? (
              <StatusPanel icon="alert" title={t("failed.title")} testId="viewer-failed" tone="error">
                <p className="viewer-panel-reason" data-failure-code={failureCode(receipt.failureCode)}>
                  {t(`failure.${failureCode(receipt.failureCode)}`)}
                </p>
                <p>{t("failed.body")}</p>
                <DownloadLink receipt={receipt} label={t("actions.download")} />
              </StatusPanel>
            ) : null}
            {receipt && openFailed ? (
              <StatusPanel icon="alert" title={t("openFailed.title")} testId="viewer-open-failed" tone="error">
                <p>{t("openFailed.body")}</p>
                <DownloadLink receipt={receipt} label={t("actions.download")} />
              </StatusPanel>
            ) : null}
          </>
        )}
      </main>

      {count > 0 ? (
        <nav className="viewer-strip" aria-label={t("strip.label")} ref={stripRef} data-testid="thumbnail-strip">
          <ol className="strip-list">
            {data.receipts.map((r, index) => (
              <li key={r.id} className="strip-receipt">
                {Array.from({ length: Math.max(1, pagesOf(r)) }, (_, i) => i + 1).map((p) => {
                  const current = r.id === receipt?.id && p === page;
                  const pages = Math.max(1, pagesOf(r));
                  const size = r.pages[p - 1];
                  return (
                    <Link
                      key={p}
                      to={`?${positionSearch(nav, { receiptIndex: index, page: p }, searchParams).toString()}`}
                      replace
                      preventScrollReset
                      onClick={(event) => {
                        // A plain click moves in place (the URL follows); modified clicks open a tab as links do.
                        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
                        event.preventDefault();
                        moveTo({ receiptIndex: index, page: p });
                      }}
                      className={`strip-thumb strip-thumb-${r.status.toLowerCase()}`}
                      aria-current={current ? "true" : undefined}
                      aria-label={
                        r.status === "READY"
                          ? t("strip.item", { index: index + 1, page: p, count: pages, name: r.fileName })
                          : t("strip.itemWithState", {
                              index: index + 1,
                              name: r.fileName,
                              state: t(r.status === "FAILED" ? "strip.failed" : "strip.processing"),
                            })
                      }
                      title={r.fileName}
                    >
                      {r.status === "READY" ? (
                        <img
                          src={`${receiptBase(r.id)}/p${p}-thumb.jpg`}
                          alt=""
                          loading="lazy"
                          decoding="async"
                          width={size?.width}
                          height={size?.height}
                          style={rotationStyle(rotations[rotationKey(r.id, p)] ?? 0)}
                        />
                      ) : (
                        <span className="strip-status">
                          <ViewerIcon name={r.status === "FAILED" ? "alert" : "clock"} size={18} />
                          <span>{t(r.status === "FAILED" ? "strip.failed" : "strip.processing")}</span>
                        </span>
                      )}
                      <span className="strip-caption">
                        {index + 1}
                        {pages > 1 ? `·${p}` : ""}
                      </span>
                    </Link>
                  );
                })}
              </li>
            ))}
          </ol>
        </nav>
      ) : null}

      <dialog
        ref={helpRef}
        className="viewer-help"
        aria-labelledby="viewer-help-title"
        data-testid="viewer-help"
        onClose={() => setHelpOpen(false)}
        onClick={(event) => {
          // A click on the backdrop (the dialog itself, outside its body) closes it.
          if (event.target === event.currentTarget) setHelpOpen(false);
        }}
      >
        <div className="viewer-help-body">
          <h2 id="viewer-help-title">{t("help.title")}</h2>
          <p className="viewer-help-intro">{t("help.intro")}</p>
          <table className="viewer-help-table">
            <tbody>
              {SHORTCUTS.map((s) => (
                <tr key={s.action}>
                  <th scope="row">
                    {s.labels.map((k, i) => (
                      <span key={k}>
                        {i > 0 ? <span className="viewer-help-or"> {t("help.or")} </span> : null}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </th>
                  <td>{s.action === "toggleHelp" ? t("help.toggle") : s.action === "closeHelp" ? t("help.close") : label(s.action)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="vt-button vt-button-wide" onClick={() => setHelpOpen(false)} autoFocus>
            {t("actions.closeHelp")}
          </button>
        </div>
      </dialog>
    </div>
  );
}

function rotationStyle(degrees: number) {
  return degrees === 0 ? undefined : { transform: `rotate(${degrees}deg)` };
}

function ToolButton({
  action,
  icon,
  label,
  disabled,
  onClick,
  children,
}: {
  action: ViewerAction;
  icon: ViewerIconName;
  label: string;
  disabled: boolean;
  onClick: () => void;
  children?: ReactNode;
}) {
  return (
    <button
      type="button"
      className="vt-button"
      aria-label={label}
      title={`${label} (${shortcutHint(action)})`}
      data-action={action}
      disabled={disabled}
      onClick={onClick}
    >
      <ViewerIcon name={icon} />
      {children}
    </button>
  );
}

function LineChip({
  line,
  locale,
  chipLabel,
  highlighted,
}: {
  line: ViewLine;
  locale: string;
  chipLabel: string;
  highlighted: boolean;
}) {
  const category = locale.startsWith("zh") ? line.categoryNameZh : line.categoryName;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(`${line.spentOn}T00:00:00Z`),
  );
  return (
    <li
      className={highlighted ? "vt-chip vt-chip-highlight" : "vt-chip"}
      title={`${category} · ${date}`}
      data-line-id={line.id}
      data-highlighted={highlighted ? "true" : undefined}
    >
      <span className="vt-chip-position">{chipLabel}</span>
      <span className="vt-sep" aria-hidden="true">
        ·
      </span>
      <span className="vt-chip-merchant">{line.merchant}</span>
      <span className="vt-sep" aria-hidden="true">
        ·
      </span>
      <span className="vt-chip-amount">{formatMoney(line.amount, locale)}</span>
    </li>
  );
}

function StatusPanel({
  icon,
  title,
  testId,
  tone = "info",
  busy = false,
  children,
}: {
  icon: ViewerIconName;
  title: string;
  testId: string;
  tone?: "info" | "error";
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="viewer-panel-wrap">
      <section className={`viewer-panel viewer-panel-${tone}`} role={tone === "error" ? "alert" : "status"} data-testid={testId} aria-busy={busy}>
        <span className={busy ? "viewer-panel-icon viewer-spin" : "viewer-panel-icon"}>
          <ViewerIcon name={icon} size={28} />
        </span>
        <h1>{title}</h1>
        {children}
      </section>
    </div>
  );
}

function DownloadLink({ receipt, label }: { receipt: ViewReceipt; label: string }) {
  return (
    <a className="vt-button vt-button-wide" href={`${receiptBase(receipt.id)}/original`} download={receipt.fileName}>
      <ViewerIcon name="download" />
      <span>{label}</span>
      <span className="vt-file-inline">{receipt.fileName}</span>
    </a>
  );
}

export function ErrorBoundary() {
  return (
    <div className="viewer-app viewer-app-error">
      <RouteError />
    </div>
  );
}
