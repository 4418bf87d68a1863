// Helpers shared by the backends' put: the body as a Node stream, and a pass-through that counts its bytes and
// fails the upload when the body does not have the announced length.
import { Readable, Transform, type TransformCallback } from "node:stream";

export function toReadable(body: Readable | AsyncIterable<Uint8Array>): Readable {
  return body instanceof Readable ? body : Readable.from(body, { objectMode: false });
}

export class LengthMismatchError extends Error {
  constructor(expected: number, actual: string) {
    super(`The body has ${actual} bytes, ${expected} were announced (contentLength)`);
    this.name = "LengthMismatchError";
  }
}

/** Counts the bytes going through; with an expected length, errors as soon as it is exceeded or the body ends short. */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly expected?: number) {
    super();
    if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
      throw new TypeError(`Invalid contentLength ${expected}`);
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected !== undefined && this.bytes > this.expected) {
      callback(new LengthMismatchError(this.expected, `more than ${this.expected}`));
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected !== undefined && this.bytes !== this.expected) {
      callback(new LengthMismatchError(this.expected, String(this.bytes)));
      return;
    }
    callback();
  }
}
