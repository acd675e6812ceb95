import { useEffect, useRef, useState, type ReactNode } from "react";
import { scrollSeconds } from "./board-format";

/**
 * A list that scrolls by itself when its rows do not fit, like the big screens on a processing floor:
 * the rows are shown twice, one after the other, and the pair moves up by one copy's height in a loop
 * (CSS animation; paused for people who ask for reduced motion). When everything fits it stands still.
 */
export function BoardAutoScroll({ children, label, testId }: { children: ReactNode; label: string; testId?: string }) {
  const viewport = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLDivElement>(null);
  const [overflowing, setOverflowing] = useState(false);

  useEffect(() => {
    const v = viewport.current;
    const f = first.current;
    if (!v || !f) return;
    const measure = () => {
      const over = f.scrollHeight > v.clientHeight + 1;
      setOverflowing(over);
      // Set through the CSSOM (not a style attribute), so the page's CSP needs nothing inline.
      v.style.setProperty("--board-scroll-seconds", `${scrollSeconds(f.scrollHeight)}s`);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(v);
    observer.observe(f);
    return () => observer.disconnect();
  }, []);

  return (
    <div className="board-scroll" ref={viewport} data-scrolling={overflowing} aria-label={label} role="region" data-testid={testId}>
      <div className="board-scroll-track">
        <div ref={first}>{children}</div>
        {overflowing ? <div aria-hidden="true">{children}</div> : null}
      </div>
    </div>
  );
}
