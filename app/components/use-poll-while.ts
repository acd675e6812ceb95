import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/** Re-runs the page's loaders every `ms` while `active` (e.g. receipts still being imaged). */
export function usePollWhile(active: boolean, ms = 2000): void {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState === "visible") revalidator.revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [active, ms, revalidator]);
}
