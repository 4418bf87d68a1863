// Renders a document request to HTML, as Remix's default entry does, plus the response's CSP nonce on every inline
// script (Remix's and React's), and the page parts rendered once already (<Prerendered>, docs/decisions/035).
//
// The page is sent whole, in one buffer with its length, rather than streamed: no page suspends (no `defer`, no
// <Suspense>), so React would have nothing to send before it is done, and the stream it would send (a few dozen 2 KB
// chunks through a Node stream, then a web stream, then the socket) cost a tenth of a dossier page's time
// (docs/decisions/035, addendum). A page that one day defers data should be streamed again.
import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { PrerenderedContext } from "./components/prerendered";
import { NonceProvider } from "./utils/nonce";
import { inlinedParts } from "./utils/prerendered.server";

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? "";
  return new Promise<Response>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const page = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
      final(done) {
        const body = Buffer.concat(chunks);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        responseHeaders.set("Content-Length", String(body.byteLength));
        resolve(new Response(body, { headers: responseHeaders, status: responseStatusCode }));
        done();
      },
    });
    // Cleared once the page is rendered: a pending timer would keep the finished render reachable for 5 s, and
    // under load thousands of them would.
    let abortTimer: NodeJS.Timeout | undefined;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider nonce={nonce}>
        <PrerenderedContext.Provider value={inlinedParts(loadContext)}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
        </PrerenderedContext.Provider>
      </NonceProvider>,
      {
        nonce: nonce || undefined,
        onAllReady() {
          clearTimeout(abortTimer);
          pipe(page);
        },
        // Remix logs the error and renders the route's error boundary instead.
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          reject(error);
        },
        onError() {
          responseStatusCode = 500;
        },
      },
    );
    abortTimer = setTimeout(abort, ABORT_DELAY);
  });
}
