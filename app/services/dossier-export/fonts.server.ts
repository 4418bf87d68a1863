// The TrueType fonts of the dossier PDF: DejaVu Sans, from the npm package dejavu-fonts-ttf (Bitstream Vera
// licence, see docs/decisions/008). It covers Latin with every French character, Greek, Cyrillic, Arabic, Hebrew and
// many symbols, which the 14 standard PDF fonts (WinAnsi only: no œ in some viewers, no « » in others, no ’) do not.
// Resolved through node_modules rather than a path beside this file: after `remix vite:build` this code runs from
// build/server/, where a relative path would point nowhere; node_modules is there in every way the portal runs.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

export interface FontFiles {
  regular: Uint8Array;
  bold: Uint8Array;
}

const resolveFromHere = createRequire(import.meta.url);

let loaded: Promise<FontFiles> | undefined;

/** The two font files, read once per process (about 1.4 MB). */
export function loadFontFiles(): Promise<FontFiles> {
  loaded ??= Promise.all([
    readFile(resolveFromHere.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")),
    readFile(resolveFromHere.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf")),
  ]).then(
    ([regular, bold]) => ({ regular, bold }),
    (error: unknown) => {
      loaded = undefined;
      throw error;
    },
  );
  return loaded;
}
