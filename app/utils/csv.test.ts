import { describe, expect, it } from "vitest";
import { CSV_BOM, csvField, csvLine } from "./csv";

describe("CSV for French spreadsheets", () => {
  it("quotes every field and doubles quotes; newlines and separators stay inside the quotes", () => {
    expect(csvField("Dupont")).toBe('"Dupont"');
    expect(csvField('Le "Fournil"')).toBe('"Le ""Fournil"""');
    expect(csvField("ligne 1\nligne 2")).toBe('"ligne 1\nligne 2"');
    expect(csvField("a;b")).toBe('"a;b"');
  });

  it("neutralises what a spreadsheet would run as a formula", () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("+33 6 12")).toBe('"\'+33 6 12"');
    expect(csvField("-2+3")).toBe('"\'-2+3"');
    expect(csvField("@SUM(A1)")).toBe('"\'@SUM(A1)"');
    expect(csvField("\t=1")).toBe('"\'\t=1"');
    expect(csvField("a=1")).toBe('"a=1"');
  });

  it("joins fields with ; and ends lines with CRLF; the file starts with a BOM", () => {
    expect(csvLine(["a", "b;c"])).toBe('"a";"b;c"\r\n');
    expect(CSV_BOM).toBe("\ufeff");
  });
});
