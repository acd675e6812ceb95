import { useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/** Re-runs the page's loaders every `ms` while `active` (e.g. receipts still being imaged). */
export function usePollWhile(active: boolean, ms = 2000): void {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  // A poll during a navigation or form submission would abort it: only poll when the page is at rest.
  const idle = revalidator.state === "idle" && navigation.state === "idle";
  useEffect(() => {
    if (!active || !idle) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") revalidator.revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [active, idle, ms, revalidator]);
}
