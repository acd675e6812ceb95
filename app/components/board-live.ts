import { useEffect, useState } from "react";
import { newerBoard, parseBoardMessage, parseLinkMessage, reconnectDelayMs } from "./board-format";

export type LiveState = "connecting" | "live" | "reconnecting" | "busy" | "ended";

/** How long a board refused for too many open streams (429) waits before asking again. */
const BUSY_RETRY_MS = 30_000;

function withParam(url: string, key: string, value: string): string {
  const u = new URL(url, window.location.href);
  u.searchParams.set(key, value);
  return `${u.pathname}${u.search}`;
}

/**
 * Follows the board's event stream. While the connection drops (server restart, network), the
 * browser's EventSource retries by itself (`retry:` from the server); when it gives up (an HTTP
 * error), we ask the server whether this board may still look — 401/403 ends it, 429 (too many
 * boards open for this link, account or address) waits and asks again, anything else opens a new
 * stream after a backoff. Every (re)connect starts with fresh data from the server.
 */
export function useBoardStream<T extends { generatedAt: string }>(eventsUrl: string, initial: T): { data: T; state: LiveState } {
  const [data, setData] = useState<T>(initial);
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    setData((current) => newerBoard(current, initial));
  }, [initial]);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    let disposed = false;
    /** The server said it lost Redis (`event: link`): data may still come (timed refreshes) but the board is not live. */
    let linkDown = false;

    const onMessage = (e: MessageEvent<string>) => {
      const next = parseBoardMessage<T>(e.data);
      if (!next) return;
      setData((current) => newerBoard(current, next));
      setState(linkDown ? "reconnecting" : "live");
    };
    const onLink = (e: MessageEvent<string>) => {
      const up = parseLinkMessage(e.data);
      if (up === null) return;
      linkDown = !up;
      setState(up ? "live" : "reconnecting");
    };
    const onRevoked = () => {
      source?.close();
      setState("ended");
    };
    const connect = () => {
      if (disposed) return;
      const es = new EventSource(eventsUrl);
      source = es;
      es.onopen = () => {
        attempt = 0;
        // A new stream starts live; its server says at once if it has lost Redis.
        linkDown = false;
        setState("live");
      };
      es.onmessage = onMessage;
      es.addEventListener("revoked", onRevoked);
      es.addEventListener("link", onLink);
      es.onerror = () => {
        if (disposed) return;
        setState("reconnecting");
        if (es.readyState !== EventSource.CLOSED) return; // the browser retries by itself
        es.close();
        retry = setTimeout(() => void probeThenConnect(), reconnectDelayMs(attempt++));
      };
    };
    const probeThenConnect = async () => {
      retry = null;
      if (disposed) return;
      try {
        const res = await fetch(withParam(eventsUrl, "probe", "1"), { headers: { Accept: "text/event-stream" }, cache: "no-store" });
        if (res.status === 401 || res.status === 403) {
          setState("ended");
          return;
        }
        if (res.status === 429) {
          setState("busy");
          retry = setTimeout(() => void probeThenConnect(), BUSY_RETRY_MS);
          return;
        }
      } catch {
        // server still down: try the stream anyway, its own retry takes over
      }
      connect();
    };

    connect();
    return () => {
      disposed = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, [eventsUrl]);

  return { data, state };
}
