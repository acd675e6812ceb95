import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { useMemo, useRef, useState } from "react";
import type { DeepZoomHandle } from "~/components/deep-zoom-viewer";
import { RouteError } from "~/components/route-error";
import { useKeyboardShortcuts } from "~/components/use-keyboard-shortcuts";
import { usePollBetweenSteps } from "~/components/use-poll-while";
import { useRotationMemory } from "~/components/use-rotation-memory";
import { useCurrentInStripView } from "~/components/use-scroll-into-view";
import { useViewerSync } from "~/components/use-viewer-sync";
import { useViewerUrlState } from "~/components/use-viewer-url-state";
import { ViewerHelpDialog } from "~/components/viewer-help-dialog";
import { nextPage, nextReceipt, previousPage, previousReceipt, rotationKey, type NavReceipt } from "~/components/viewer-navigation";
import { linesOfReceipt, pagesOf, receiptBase, type ViewerLine, type ViewerReceipt } from "~/components/viewer-receipts";
import { viewerShortcut, type ViewerAction } from "~/components/viewer-shortcuts";
import { ViewerStage } from "~/components/viewer-stage";
import { ViewerStrip } from "~/components/viewer-strip";
import { ViewerToolbar } from "~/components/viewer-toolbar";
import { DEFAULT_LOCALE, isLocale } from "~/i18n/config";
import { resources } from "~/i18n/resources";
import { getClaimDetail } from "~/models/claim.server";
import { requireUser } from "~/utils/auth.server";
import viewerStyles from "~/styles/viewer.css";

// Full window, no top bar: this is the second-monitor view.
export const handle = { chrome: false };

export const links: LinksFunction = () => [{ rel: "stylesheet", href: viewerStyles }];

const POLL_MS = 2_000;

export async function loader({ request, params }: LoaderFunctionArgs): Promise<{ number: string; purpose: string; receipts: ViewerReceipt[]; lines: ViewerLine[] }> {
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

export default function ReceiptViewer() {
  const data = useLoaderData<typeof loader>();
  const { claimId = "" } = useParams();
  const viewerRef = useRef<DeepZoomHandle>(null);
  const stripRef = useRef<HTMLElement>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [failedUrl, setFailedUrl] = useState<string | null>(null);

  const nav = useMemo<NavReceipt[]>(() => data.receipts.map((r) => ({ id: r.id, pageCount: pagesOf(r) })), [data.receipts]);
  const { position, receiptId, page, searchParams, show, moveTo, step } = useViewerUrlState(claimId, nav);
  const { lineIds: highlightLineIds, mark } = useViewerSync({ claimId, receiptId, page, show });
  const { rotations, rotate } = useRotationMemory(claimId);

  const receipt = position ? data.receipts[position.receiptIndex] : undefined;
  const pageCount = receipt ? pagesOf(receipt) : 0;
  const dziUrl = receipt?.status === "READY" ? `${receiptBase(receipt.id)}/p${page}.dzi` : null;
  const rotation = receipt ? (rotations[rotationKey(receipt.id, page)] ?? 0) : 0;
  const dziUrlRef = useRef(dziUrl);
  dziUrlRef.current = dziUrl;

  const run = (action: ViewerAction): void => {
    switch (action) {
      case "zoomIn":
        return viewerRef.current?.zoomIn();
      case "zoomOut":
        return viewerRef.current?.zoomOut();
      case "fit":
        return viewerRef.current?.fit();
      case "rotate":
        if (receipt?.status === "READY") rotate(rotationKey(receipt.id, page));
        return;
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
  useKeyboardShortcuts((event) => viewerShortcut(event, helpOpen), run);

  // Poll while the imaging worker is still on any receipt; stops by itself once none is left.
  usePollBetweenSteps(data.receipts.some((r) => r.status === "PROCESSING"), POLL_MS);
  // Keep the current thumbnail in view when stepping with the keyboard.
  useCurrentInStripView(stripRef, receipt ? rotationKey(receipt.id, page) : "");

  const linesById = useMemo(() => new Map(data.lines.map((l) => [l.id, l])), [data.lines]);
  const count = data.receipts.length;
  const receiptIndex = position?.receiptIndex ?? 0;

  return (
    <div
      className="viewer-app"
      data-receipt-id={receipt?.id}
      data-page={receipt ? page : undefined}
      data-highlight-line-ids={highlightLineIds.join(" ")}
    >
      <ViewerToolbar
        claimId={claimId}
        number={data.number}
        purpose={data.purpose}
        receipt={receipt}
        state={{
          receiptIndex,
          count,
          page,
          pageCount,
          ready: receipt?.status === "READY",
          canPrevReceipt: position !== null && previousReceipt(nav, position) !== null,
          canNextReceipt: position !== null && nextReceipt(nav, position) !== null,
          canPrevPage: position !== null && previousPage(nav, position) !== null,
          canNextPage: position !== null && nextPage(nav, position) !== null,
        }}
        lines={linesOfReceipt(receipt?.lineIds ?? [], linesById)}
        highlightLineIds={highlightLineIds}
        run={run}
      />
      <ViewerStage
        ref={viewerRef}
        claimId={claimId}
        number={data.number}
        count={count}
        receipt={receipt}
        receiptIndex={receiptIndex}
        page={page}
        dziUrl={dziUrl}
        rotation={rotation}
        openFailed={dziUrl !== null && failedUrl === dziUrl}
        onOpenFailed={() => setFailedUrl(dziUrlRef.current)}
        onReady={() => setFailedUrl(null)}
        mark={mark && receipt && mark.receiptId === receipt.id ? mark : null}
      />
      {count > 0 ? (
        <ViewerStrip
          ref={stripRef}
          receipts={data.receipts}
          nav={nav}
          currentReceiptId={receipt?.id ?? null}
          page={page}
          rotations={rotations}
          searchParams={searchParams}
          moveTo={moveTo}
        />
      ) : null}
      <ViewerHelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <div className="viewer-app viewer-app-error">
      <RouteError />
    </div>
  );
}
