import { useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

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

/**
 * As `usePollWhile`, for a screen that navigates all the time (the viewer writes its position to the
 * URL as you step): the clock keeps running through those steps, and each tick polls only if the page
 * is at rest at that moment, so a poll never aborts a step and steps never postpone the poll.
 */
export function usePollBetweenSteps(active: boolean, ms = 2000): void {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const poll = useRef(() => {});
  poll.current = () => {
    if (revalidator.state === "idle" && navigation.state === "idle" && document.visibilityState === "visible") {
      revalidator.revalidate();
    }
  };
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => poll.current(), ms);
    return () => window.clearInterval(timer);
  }, [active, ms]);
}
