// CSV for spreadsheet users in France: ";" between fields (Excel in a French locale splits on it), CRLF line ends,
// every field quoted, and a UTF-8 byte order mark at the start so that accents open right.

export const CSV_SEPARATOR = ";";
export const CSV_BOM = "\ufeff";

/**
 * A quoted field. Text a person typed that starts like a formula ("=", "+", "-", "@", tab, CR) gets a leading
 * apostrophe: a spreadsheet would otherwise run it when the file is opened (CSV injection).
 */
export function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/** One CSV line, its CRLF included. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(CSV_SEPARATOR)}\r\n`;
}
