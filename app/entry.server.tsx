// Renders a document request to HTML, as Remix's default entry does, plus the response's CSP nonce on every inline
// script (Remix's and React's streaming ones), the portal's logger for errors while streaming, and the page parts
// rendered once already (<Prerendered>, docs/decisions/035).
import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { PrerenderedContext } from "./components/prerendered";
import { loggerFor } from "./utils/logger.server";
import { NonceProvider } from "./utils/nonce";
import { inlinedParts } from "./utils/prerendered.server";

const ABORT_DELAY = 5_000;
const log = loggerFor("render");

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? "";
  // Crawlers get the whole page at once; browsers get the shell as soon as it is ready.
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    // Cleared once the whole page is out: a pending timer would keep the finished render reachable for 5 s, and
    // under load thousands of them would.
    let abortTimer: NodeJS.Timeout | undefined;
    const ready = () => {
      shellRendered = true;
      const body = new PassThrough();
      responseHeaders.set("Content-Type", "text/html");
      resolve(
        new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
      );
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider nonce={nonce}>
        <PrerenderedContext.Provider value={inlinedParts(loadContext)}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
        </PrerenderedContext.Provider>
      </NonceProvider>,
      {
        nonce: nonce || undefined,
        onShellReady() {
          if (!waitForAll) ready();
        },
        onAllReady() {
          clearTimeout(abortTimer);
          if (waitForAll) ready();
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors before the shell is ready reject and are logged by Remix; later ones only reach here.
          if (shellRendered) log.error({ err: error }, "Rendering failed while streaming");
        },
      },
    );
    abortTimer = setTimeout(abort, ABORT_DELAY);
  });
}
