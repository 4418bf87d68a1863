import { describe, expect, it } from "vitest";
import { contentDisposition, safeFileName } from "./content-disposition";

// What a client would decode from filename*=UTF-8''…
const decoded = (header: string) => decodeURIComponent(/filename\*=UTF-8''([^;\s]*)/.exec(header)![1]!);
const fallback = (header: string) => /filename="([^"]*)"/.exec(header)![1];

describe("contentDisposition", () => {
  it("gives an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 5987)", () => {
    expect(contentDisposition("releve.pdf", false)).toBe(
      `attachment; filename="releve.pdf"; filename*=UTF-8''releve.pdf`,
    );
    expect(contentDisposition("Relevé de notes.pdf", true)).toBe(
      `inline; filename="Releve de notes.pdf"; filename*=UTF-8''Relev%C3%A9%20de%20notes.pdf`,
    );
    const header = contentDisposition("Attestation employeur — Œuvre « 2025 ».pdf", false);
    expect(fallback(header)).toBe("Attestation employeur _ _uvre _ 2025 _.pdf");
    expect(decoded(header)).toBe("Attestation employeur — Œuvre « 2025 ».pdf");
  });

  it("is plain printable ASCII whatever the name holds", () => {
    for (const name of [
      "日本語.pdf",
      "émoji 🎉.png",
      "a\r\nSet-Cookie: x=1.pdf",
      "\u0000\u0007\u009b.txt",
      "x".repeat(1000),
    ]) {
      expect(contentDisposition(name, false)).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it("escapes quotes, backslashes, percent signs and semicolons out of the quoted fallback", () => {
    const header = contentDisposition(`Mon "CV"; 100% à jour.pdf`, false);
    expect(fallback(header)).toBe("Mon _CV__ 100_ a jour.pdf");
    expect(header.match(/"/g)).toHaveLength(2);
    expect(decoded(header)).toBe(`Mon _CV_; 100% à jour.pdf`);
    // RFC 5987 attr-char does not include ' ( ): they are percent-encoded.
    expect(contentDisposition("l'été (v2).pdf", false)).toContain(`filename*=UTF-8''l%27%C3%A9t%C3%A9%20%28v2%29.pdf`);
    // Characters Windows refuses in file names become "_" in both forms.
    expect(decoded(contentDisposition(`a*b?c<d>e|f:g.pdf`, false))).toBe("a_b_c_d_e_f_g.pdf");
  });

  it("removes control characters and the invisible characters that disguise an extension", () => {
    // U+202E RIGHT-TO-LEFT OVERRIDE makes "facture\u202Efdp.exe" display as "factureexe.pdf".
    expect(decoded(contentDisposition("facture\u202Efdp.exe", false))).toBe("facturefdp.exe");
    expect(decoded(contentDisposition("a\u200Bb\u2066c\u2069d\uFEFF\u200Fe.pdf", false))).toBe("abcde.pdf");
    expect(decoded(contentDisposition("ligne\r\nsuivante\t.pdf", false))).toBe("lignesuivante.pdf");
    expect(decoded(contentDisposition("nul\u0000\u007f\u0085.pdf", false))).toBe("nul.pdf");
  });

  it("replaces path separators and trims dots and spaces, so the name cannot point elsewhere", () => {
    expect(decoded(contentDisposition("../../etc/passwd", false))).toBe("_.._etc_passwd");
    expect(decoded(contentDisposition("C:\\Users\\lea\\CV.pdf", false))).toBe("C__Users_lea_CV.pdf");
    expect(decoded(contentDisposition("  .bashrc.  ", false))).toBe("bashrc");
  });

  it("falls back to « fichier » for an empty name and keeps the extension of a very long one", () => {
    expect(contentDisposition("", false)).toBe(`attachment; filename="fichier"; filename*=UTF-8''fichier`);
    expect(contentDisposition("\u202E\u0000 ..", true)).toBe(`inline; filename="fichier"; filename*=UTF-8''fichier`);
    const long = safeFileName(`${"é".repeat(300)}.pdf`);
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith("é.pdf")).toBe(true);
  });

  it("normalises decomposed accents (macOS file names) to their composed form", () => {
    expect(decoded(contentDisposition("Releve\u0301.pdf", false))).toBe("Relev\u00e9.pdf");
    expect(contentDisposition("Releve\u0301.pdf", false)).toContain("Relev%C3%A9.pdf");
  });
});
