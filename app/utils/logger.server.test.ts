import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, requestContext, withRequestContext } from "./logger.server";

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const log = createLogger(stream);
  log.level = "info";
  return { lines, log };
}

describe("logger", () => {
  it("stamps lines written while a request is served with its id, and only those", () => {
    const { lines, log } = capturingLogger();
    withRequestContext("req-42", () => log.info("inside"));
    log.info("outside");
    expect(lines[0]).toMatchObject({ msg: "inside", requestId: "req-42" });
    expect(lines[1]).toMatchObject({ msg: "outside" });
    expect(lines[1]).not.toHaveProperty("requestId");
  });

  it("generates a request id when none is given", () => {
    let seen: string | undefined;
    withRequestContext(undefined, () => (seen = requestContext.getStore()?.requestId));
    expect(seen).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("never writes passwords, secrets or e-mail addresses of the objects it logs", () => {
    const { lines, log } = capturingLogger();
    log.info(
      { password: "Baguette-2026", user: { id: "u1", email: "a@b.fr" }, smtp: { auth: { secret: "s3cr3t" } } },
      "x",
    );
    const written = JSON.stringify(lines[0]);
    expect(written).not.toContain("Baguette-2026");
    expect(written).not.toContain("a@b.fr");
    expect(written).not.toContain("s3cr3t");
    expect(lines[0]).toMatchObject({ user: { id: "u1", email: "[redacted]" } });
  });
});
