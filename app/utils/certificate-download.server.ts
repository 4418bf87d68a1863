// A stored document's body as a web response body, whether the service hands back bytes or a Node stream.
import { Readable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";

export function certificateBody(body: Uint8Array | NodeJS.ReadableStream | Readable): BodyInit {
  if (body instanceof Uint8Array) return body as Uint8Array<ArrayBuffer>;
  const readable = body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>);
  return createReadableStreamFromReadable(readable);
}
