import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from "react";
import type OpenSeadragonType from "openseadragon";

type OsdViewer = OpenSeadragonType.Viewer;

export type DeepZoomHandle = {
  zoomIn(): void;
  zoomOut(): void;
  /** Back to the whole page in view (OpenSeadragon's "home"). */
  fit(): void;
  /** Sets the rotation now, animated. The `rotation` prop stays the source of truth; this is for callers without state. */
  rotate(degrees: number): void;
};

export type DeepZoomViewerProps = {
  /** The page's .dzi descriptor; null keeps the viewer alive but empty (e.g. while a status panel covers it). */
  dziUrl: string | null;
  /** Clockwise degrees, a multiple of 90. */
  rotation: number;
  /** Names the image for assistive technology ("Receipt 2, page 1: taxi.jpg"). */
  label: string;
  /** Shown over the viewer while the page's descriptor and first tiles load. */
  loadingLabel?: string;
  className?: string;
  onReady?: () => void;
  onOpenFailed?: () => void;
  onTileLoaded?: (level: number) => void;
  /** Issue 14: a region of the page image (its pixels) to outline and bring into view; null = none. */
  highlight?: { x: number; y: number; width: number; height: number } | null;
  /** Names the outlined region for assistive technology. */
  highlightLabel?: string;
};

const ZOOM_STEP = 1.5;

/** Minimap edge in CSS pixels: 200 on a desktop monitor, smaller on a phone. */
function navigatorSize(host: HTMLElement): string {
  return `${Math.round(Math.max(72, Math.min(200, host.clientWidth * 0.22, host.clientHeight * 0.3)))}px`;
}
// Within this of the home zoom counts as "fitted": a quarter turn then re-fits instead of keeping the zoom.
const FITTED_TOLERANCE = 0.02;

/**
 * OpenSeadragon, created once and re-pointed at each page with `open()`. The library touches
 * `document` when imported, so it is loaded in an effect, never during server rendering.
 *
 * For tests the container exposes `data-ready` (the current image opened) and `data-max-level-loaded`
 * (the deepest pyramid level of any tile loaded for it; -1 before the first).
 */
export const DeepZoomViewer = forwardRef<DeepZoomHandle, DeepZoomViewerProps>(function DeepZoomViewer(
  { dziUrl, rotation, label, loadingLabel, className, onReady, onOpenFailed, onTileLoaded, highlight, highlightLabel },
  ref,
) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [viewer, setViewer] = useState<OsdViewer | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const [maxLevel, setMaxLevel] = useState(-1);
  const maxLevelRef = useRef(-1);
  const osdRef = useRef<typeof OpenSeadragonType | null>(null);

  // Handlers are bound once on the instance; they read the latest props through refs.
  const latest = useRef({ rotation, onReady, onOpenFailed, onTileLoaded });
  latest.current = { rotation, onReady, onOpenFailed, onTileLoaded };

  useEffect(() => {
    let cancelled = false;
    let instance: OsdViewer | null = null;
    void import("openseadragon").then((mod) => {
      const host = hostRef.current;
      if (cancelled || !host) return;
      const OpenSeadragon = mod.default;
      osdRef.current = OpenSeadragon;
      instance = OpenSeadragon({
        element: host,
        // Our own toolbar replaces OSD's buttons, so none of its button images are ever requested.
        showNavigationControl: false,
        // Keys are handled by the page (one keyboard map); OSD's own w/a/s/d/r/f would double up.
        keyboardNavEnabled: false,
        // Tiles are same-origin and access-checked by cookie: plain <img> loads, no CORS mode.
        crossOriginPolicy: false,
        loadTilesWithAjax: false,
        // A page seen before may draw from OSD's cache; still report its tiles, so data-max-level-loaded is per page.
        callTileLoadedWithCachedData: true,
        showNavigator: true,
        navigatorPosition: "BOTTOM_RIGHT",
        // A square minimap: receipts are mostly portrait, and the default (viewer-shaped) box shrinks them.
        navigatorWidth: navigatorSize(host),
        navigatorHeight: navigatorSize(host),
        navigatorAutoFade: false,
        navigatorBackground: "#111317",
        navigatorBorderColor: "#5b6472",
        navigatorDisplayRegionColor: "#f5b942",
        maxZoomPixelRatio: 4,
        visibilityRatio: 1,
        constrainDuringPan: true,
        animationTime: 0.5,
        viewportMargins: { top: 12, bottom: 12, left: 12, right: 12 },
        // A click is how people focus the image or start a drag; zooming on it would jump the view.
        gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
        degrees: latest.current.rotation,
      });
      instance.addHandler("open", () => {
        instance?.viewport.setRotation(latest.current.rotation, true);
        instance?.viewport.goHome(true);
        setReady(true);
        latest.current.onReady?.();
      });
      instance.addHandler("open-failed", () => {
        setReady(false);
        setFailed(true);
        latest.current.onOpenFailed?.();
      });
      instance.addHandler("tile-loaded", (event) => {
        // A late tile of the previous page must not count for the new one.
        if (!instance || instance.world.getIndexOfItem(event.tiledImage) < 0) return;
        const level = event.tile.level;
        if (level > maxLevelRef.current) {
          maxLevelRef.current = level;
          setMaxLevel(level);
        }
        latest.current.onTileLoaded?.(level);
      });
      setViewer(instance);
    });
    return () => {
      cancelled = true;
      setViewer(null);
      instance?.destroy();
      instance = null;
    };
  }, []);

  useEffect(() => {
    if (!viewer) return;
    setReady(false);
    setFailed(false);
    maxLevelRef.current = -1;
    setMaxLevel(-1);
    if (dziUrl) {
      // Set before opening so the first frame is already turned the right way.
      viewer.viewport.setRotation(latest.current.rotation, true);
      viewer.open({ tileSource: dziUrl });
    } else {
      viewer.close();
    }
  }, [viewer, dziUrl]);

  useEffect(() => {
    if (!viewer || !viewer.isOpen()) return;
    const viewport = viewer.viewport;
    if (viewport.getRotation() === rotation) return;
    const fitted = Math.abs(viewport.getZoom() / viewport.getHomeZoom() - 1) < FITTED_TOLERANCE;
    viewport.setRotation(rotation);
    // A fitted portrait page turned sideways would overflow; keep it fitted. A zoomed-in view stays zoomed.
    if (fitted) viewport.goHome();
  }, [viewer, rotation]);

  // The highlight is an OSD overlay in image coordinates: it moves, zooms and turns with the page.
  const hx = highlight?.x;
  const hy = highlight?.y;
  const hw = highlight?.width;
  const hh = highlight?.height;
  useEffect(() => {
    if (!viewer || !ready) return;
    viewer.clearOverlays();
    if (hx === undefined || hy === undefined || hw === undefined || hh === undefined) return;
    const element = document.createElement("div");
    element.className = "reading-highlight";
    element.dataset.testid = "reading-highlight";
    element.setAttribute("role", "img");
    element.setAttribute("aria-label", highlightLabel ?? "");
    const rect = viewer.viewport.imageToViewportRectangle(hx, hy, hw, hh);
    viewer.addOverlay({ element, location: rect });
    // Bring it into view with room around it (a whole line of the receipt), unless already well inside.
    const margin = Math.max(rect.width, rect.height) * 1.5;
    const bounds = viewer.viewport.getBounds();
    const inside = rect.x >= bounds.x && rect.y >= bounds.y && rect.x + rect.width <= bounds.x + bounds.width && rect.y + rect.height <= bounds.y + bounds.height;
    const OSD = osdRef.current;
    if (!inside && OSD) viewer.viewport.fitBoundsWithConstraints(new OSD.Rect(rect.x - margin, rect.y - margin, rect.width + 2 * margin, rect.height + 2 * margin));
    return () => {
      viewer.clearOverlays();
    };
  }, [viewer, ready, hx, hy, hw, hh, highlightLabel]);

  useImperativeHandle(
    ref,
    () => ({
      zoomIn() {
        if (!viewer?.isOpen()) return;
        viewer.viewport.zoomBy(ZOOM_STEP);
        viewer.viewport.applyConstraints();
      },
      zoomOut() {
        if (!viewer?.isOpen()) return;
        viewer.viewport.zoomBy(1 / ZOOM_STEP);
        viewer.viewport.applyConstraints();
      },
      fit() {
        if (viewer?.isOpen()) viewer.viewport.goHome();
      },
      rotate(degrees: number) {
        if (viewer?.isOpen()) viewer.viewport.setRotation(degrees);
      },
    }),
    [viewer],
  );

  return (
    <div
      className={className ? `deep-zoom ${className}` : "deep-zoom"}
      data-testid="deep-zoom"
      data-ready={ready ? "true" : "false"}
      data-max-level-loaded={maxLevel}
      data-rotation={rotation}
      role="group"
      aria-label={label}
      aria-busy={dziUrl !== null && !ready && !failed}
    >
      {/* OSD owns everything inside this element; React never renders children into it. */}
      <div ref={hostRef} className="deep-zoom-host" />
      {dziUrl !== null && !ready && !failed && loadingLabel ? (
        <div className="deep-zoom-loading" role="status">
          {loadingLabel}
        </div>
      ) : null}
    </div>
  );
});
