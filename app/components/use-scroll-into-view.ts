import { useEffect, useRef, type RefObject } from "react";
import { scrollLeftToShow } from "./viewer-navigation";

/** Whenever `key` changes, scrolls the element `find` returns into view (the least movement). */
export function useScrollIntoView(key: unknown, find: () => Element | null | undefined): void {
  // Only a change of `key` scrolls; a new `find` each render must not.
  const findRef = useRef(find);
  findRef.current = find;
  useEffect(() => {
    findRef.current()?.scrollIntoView({ block: "nearest" });
  }, [key]);
}

/** Whenever `key` changes, scrolls a horizontal strip (smoothly) so its `aria-current` item shows. */
export function useCurrentInStripView(strip: RefObject<HTMLElement>, key: unknown): void {
  useEffect(() => {
    const element = strip.current;
    const current = element?.querySelector<HTMLElement>('[aria-current="true"]');
    if (!element || !current) return;
    const left = scrollLeftToShow(current, element);
    if (left !== null) element.scrollTo({ left, behavior: "smooth" });
  }, [strip, key]);
}
