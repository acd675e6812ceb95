import { useEffect, useRef, useState } from "react";
import { rotateClockwise } from "./viewer-navigation";
import { parseRotations } from "./viewer-receipts";

/**
 * The quarter turns given to a claim's receipt pages (keyed by `rotationKey`). They last for the browser
 * session (sessionStorage), so a reload keeps a turned receipt turned; another claim has its own.
 */
export function useRotationMemory(claimId: string) {
  const [rotations, setRotations] = useState<Record<string, number>>({});
  const storageKey = `af.viewer.rotations.${claimId}`;
  // Nothing is written before the first turn: the first render's empty map must not replace what is stored.
  const dirty = useRef(false);
  useEffect(() => {
    try {
      setRotations(parseRotations(window.sessionStorage.getItem(storageKey)));
    } catch {
      // Storage can be disabled; rotations then last until the page is left.
    }
  }, [storageKey]);
  useEffect(() => {
    if (!dirty.current) return;
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify(rotations));
    } catch {
      // See above.
    }
  }, [rotations, storageKey]);

  const rotate = (key: string) => {
    dirty.current = true;
    setRotations((prev) => ({ ...prev, [key]: rotateClockwise(prev[key] ?? 0) }));
  };
  return { rotations, rotate };
}
