/// <reference types="@remix-run/dev" />
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
  interface AppLoadContext {
    cspNonce?: string;
    /** The client's address as Express sees it (behind a trusted proxy: the forwarded one). */
    clientAddress?: string;
  }
}
