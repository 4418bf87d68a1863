// The QR code of a certificate as the squares to draw: read from qrcode's own matrix (QRCode.create), so the PDF
// gets vector squares that stay sharp at any print size, with no PNG encoded and decoded on the way.
import QRCode from "qrcode";

export interface QrMatrix {
  /** Modules per side (21 for version 1, +4 per version). */
  size: number;
  /** The dark modules as [row, column], row 0 at the top. */
  dark: [number, number][];
}

/**
 * Medium error correction (15 % of the symbol recoverable): a printed code survives a fold or a stain, and a
 * verification URL still fits a small version (about 33 modules), which scans well at 25 mm.
 */
export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const dark: [number, number][] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (modules.get(row, column)) dark.push([row, column]);
    }
  }
  return { size: modules.size, dark };
}

/** The quiet zone readers need around the symbol, in modules (ISO/IEC 18004). */
export const QR_QUIET_ZONE = 4;
