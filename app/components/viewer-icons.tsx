// Inline SVG icons for the receipt viewer's toolbar: no image requests, and they follow the text colour.

export type ViewerIconName =
  | "zoomIn"
  | "zoomOut"
  | "fit"
  | "rotate"
  | "previous"
  | "next"
  | "up"
  | "down"
  | "download"
  | "back"
  | "help"
  | "alert"
  | "clock"
  | "document";

const PATHS: Record<ViewerIconName, string> = {
  zoomIn: "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM21 21l-5-5M11 8v6M8 11h6",
  zoomOut: "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM21 21l-5-5M8 11h6",
  fit: "M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5",
  rotate: "M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7",
  previous: "M15 5l-7 7 7 7",
  next: "M9 5l7 7-7 7",
  up: "M5 15l7-7 7 7",
  down: "M5 9l7 7 7-7",
  download: "M12 4v11M7 10l5 5 5-5M5 20h14",
  back: "M19 12H5M11 6l-6 6 6 6",
  help: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14M12 17.5v.01",
  alert: "M12 3l10 18H2L12 3zM12 10v5M12 18v.01",
  clock: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2",
  document: "M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 16h7",
};

export function ViewerIcon({ name, size = 20 }: { name: ViewerIconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
