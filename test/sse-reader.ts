import type { LoaderFunctionArgs } from "@remix-run/node";
import type { BoardData } from "~/contracts/board";

/** Reads a board event stream as it arrives: every raw event block, and each board message parsed. */
export function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const boards: BoardData[] = [];
  const events: string[] = [];
  let done = false;
  const pump = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buffer += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        events.push(block);
        const data = block.split("\n").find((l) => l.startsWith("data: "));
        if (data && !block.includes("event: ")) boards.push(JSON.parse(data.slice(6)) as BoardData);
      }
    }
    done = true;
  })();
  return { boards, events, pump, isDone: () => done, cancel: () => reader.cancel() };
}

export type BoardCall = { cookie?: string; signal?: AbortSignal; context?: Record<string, unknown> };

/** Calls a board loader as an event-stream client would; a thrown Response (401, 403, 429) is returned. */
export async function callBoardLoader(fn: (args: LoaderFunctionArgs) => Promise<unknown>, url: string, { cookie, signal, context = {} }: BoardCall = {}) {
  const headers = new Headers({ Accept: "text/event-stream" });
  if (cookie) headers.set("Cookie", cookie);
  try {
    return await fn({ request: new Request(`http://localhost${url}`, { headers, signal }), params: {}, context });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
