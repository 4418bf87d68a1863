import { describe, expect, it } from "vitest";
import { FALLBACK_FILE_NAME, cleanFileName } from "./file-name";

describe("cleanFileName", () => {
  it("keeps an ordinary French name as it is", () => {
    expect(cleanFileName("Relevé d'heures « mars » 2024.pdf")).toBe("Relevé d'heures « mars » 2024.pdf");
    expect(cleanFileName("CV (version 2).docx")).toBe("CV (version 2).docx");
  });

  it("composes accents (NFC), as macOS sends them decomposed", () => {
    const decomposed = "Releve\u0301.pdf";
    expect(decomposed).not.toBe("Relevé.pdf");
    expect(cleanFileName(decomposed)).toBe("Relevé.pdf");
    expect(cleanFileName(decomposed)).toBe("Relevé.pdf".normalize("NFC"));
  });

  it.each([
    ["../../etc/passwd", "passwd"],
    ["..\\..\\Windows\\system.ini", "system.ini"],
    ["C:\\Users\\Camille\\Documents\\attestation.pdf", "attestation.pdf"],
    ["/home/camille/scan.jpg", "scan.jpg"],
    ["a/b\\c/d.pdf", "d.pdf"],
  ])("removes the path parts of %j", (name, expected) => {
    expect(cleanFileName(name)).toBe(expected);
  });

  it("removes a right-to-left override that hides an executable's real extension", () => {
    expect(cleanFileName("facture\u202Efdp.exe")).toBe("facturefdp.exe");
  });

  it("removes every bidirectional mark, embedding, override and isolate", () => {
    const bidi = [
      "\u200E",
      "\u200F",
      "\u061C",
      "\u202A",
      "\u202B",
      "\u202C",
      "\u202D",
      "\u202E",
      "\u2066",
      "\u2067",
      "\u2068",
      "\u2069",
    ];
    expect(cleanFileName(`a${bidi.join("")}b.pdf`)).toBe("ab.pdf");
  });

  it("removes C0 and C1 control characters and DEL, but keeps letters of every script", () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("") + "\u007F\u0080\u0085\u009F";
    expect(cleanFileName(`rap${controls}port.pdf`)).toBe("rapport.pdf");
    // The slash of the injected header counts as a path separator too.
    expect(cleanFileName("ligne1\r\nContent-Type: text/html.pdf")).toBe("html.pdf");
    expect(cleanFileName("ligne1\r\nX: y.pdf")).toBe("ligne1X: y.pdf");
    expect(cleanFileName("تقرير.pdf")).toBe("تقرير.pdf");
    expect(cleanFileName("履歴書.pdf")).toBe("履歴書.pdf");
    expect(cleanFileName("photo 📷.jpg")).toBe("photo 📷.jpg");
  });

  it("trims surrounding spaces", () => {
    expect(cleanFileName("   scan.pdf \t ")).toBe("scan.pdf");
    expect(cleanFileName("dossier/  scan.pdf")).toBe("scan.pdf");
  });

  it("never answers an empty name", () => {
    for (const name of ["", "   ", "\u202E", "../", "..", ".", "a/..", "\u0000\u0001", "/", "\\"]) {
      expect(cleanFileName(name)).toBe(FALLBACK_FILE_NAME);
    }
    expect(FALLBACK_FILE_NAME).toBe("document");
  });

  it("cuts a long name to 200 characters, keeping its extension", () => {
    const cleaned = cleanFileName(`${"é".repeat(300)}.pdf`);
    expect(Array.from(cleaned)).toHaveLength(200);
    expect(cleaned.endsWith("é.pdf")).toBe(true);

    const spaced = cleanFileName(`${"a".repeat(195)}     ${"b".repeat(50)}.docx`);
    expect(spaced).toBe(`${"a".repeat(195)}.docx`);

    // A "extension" longer than 16 characters is the end of the name: cut like the rest.
    const dotted = cleanFileName(`${"a".repeat(150)}.${"b".repeat(100)}`);
    expect(dotted).toBe(`${"a".repeat(150)}.${"b".repeat(49)}`);

    expect(cleanFileName("x".repeat(200) + ".pdf")).toBe("x".repeat(196) + ".pdf");
    expect(cleanFileName("x".repeat(200))).toBe("x".repeat(200));
  });

  it("counts characters, not UTF-16 units, and never splits an emoji", () => {
    const cleaned = cleanFileName(`${"📷".repeat(250)}.jpg`);
    expect(Array.from(cleaned)).toHaveLength(200);
    expect(cleaned).toBe(`${"📷".repeat(196)}.jpg`);
    expect(Buffer.from(cleaned, "utf8").toString("utf8")).toBe(cleaned); // no lone surrogate
  });
});
