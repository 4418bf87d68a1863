// The Content-Security-Policy nonce of the response being rendered: set by entry.server.tsx from the load context
// (server/request-guards.ts makes one per request), read by the root layout for Remix's inline scripts. In the
// browser it is empty: browsers hide a nonce once the page is parsed, and scripts added later need none.
import { createContext, createElement, type ReactNode, useContext } from "react";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** This response's CSP nonce (absent when the app runs without the portal's server, e.g. in tests). */
    cspNonce?: string;
  }
}

const NonceContext = createContext<string>("");

export function NonceProvider({ nonce, children }: { nonce: string; children: ReactNode }) {
  return createElement(NonceContext.Provider, { value: nonce }, children);
}

export function useNonce(): string {
  return useContext(NonceContext);
}
