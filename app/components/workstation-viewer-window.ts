import { otherScreen, popupFeatures, type ScreenArea } from "./workstation-sync";

/** The Window Management API (Chromium); not in TypeScript's DOM types yet. */
type ScreenDetailsLike = { screens: readonly ScreenArea[]; currentScreen: ScreenArea };
type WindowWithScreens = Window & { getScreenDetails?: () => Promise<ScreenDetailsLike> };

/**
 * Opens (or re-targets) the viewer window. With the Window Management API it goes on another screen,
 * filling that screen; the call inside the click/key handler is what asks for the permission. Without
 * it (or when refused, or with one screen) a plain popup, whose position the browser remembers.
 */
export function openViewerWindow(url: string): void {
  const fallback = () => void window.open(url, "af-viewer", "popup");
  const w = window as WindowWithScreens;
  if (typeof w.getScreenDetails !== "function") return fallback();
  let details: Promise<ScreenDetailsLike>;
  try {
    details = w.getScreenDetails();
  } catch {
    return fallback();
  }
  details.then(
    (d) => {
      const screen = otherScreen(d.screens, d.currentScreen);
      window.open(url, "af-viewer", screen ? popupFeatures(screen) : "popup");
    },
    fallback,
  );
}
