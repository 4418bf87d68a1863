// The file types candidates may upload, decided from the content (magic numbers), never from the extension or the
// browser. Pure and client-safe: pages show the same list and limit before anything is sent.
import { formatFileSize } from "../../utils/format";

export interface AllowedUploadType {
  /** The MIME type file-type reports, stored as the object's content type. */
  mediaType: string;
  /** The extension the file is given when downloaded. */
  extension: string;
  /** Other extensions the file picker should offer for it. */
  otherExtensions: readonly string[];
  label: string;
}

export const ALLOWED_UPLOAD_TYPES: readonly AllowedUploadType[] = [
  { mediaType: "application/pdf", extension: "pdf", otherExtensions: [], label: "PDF" },
  { mediaType: "image/jpeg", extension: "jpg", otherExtensions: ["jpeg"], label: "JPEG" },
  { mediaType: "image/png", extension: "png", otherExtensions: [], label: "PNG" },
  { mediaType: "image/webp", extension: "webp", otherExtensions: [], label: "WebP" },
  // iPhones take HEIC photos; "heif" is the same container with another brand.
  { mediaType: "image/heic", extension: "heic", otherExtensions: [], label: "HEIC" },
  { mediaType: "image/heif", extension: "heif", otherExtensions: [], label: "HEIF" },
  {
    mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    extension: "docx",
    otherExtensions: [],
    label: "DOCX",
  },
  { mediaType: "application/vnd.oasis.opendocument.text", extension: "odt", otherExtensions: [], label: "ODT" },
  {
    mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    extension: "xlsx",
    otherExtensions: [],
    label: "XLSX",
  },
  { mediaType: "application/vnd.oasis.opendocument.spreadsheet", extension: "ods", otherExtensions: [], label: "ODS" },
  { mediaType: "video/mp4", extension: "mp4", otherExtensions: [], label: "MP4" },
];

/** The MIME types accepted, in the order above. */
export const ALLOWED_UPLOAD_MEDIA_TYPES: readonly string[] = ALLOWED_UPLOAD_TYPES.map((type) => type.mediaType);

/** « PDF, JPEG, PNG, WebP, HEIC, DOCX, ODT, XLSX, ODS ou MP4 » (HEIF goes without saying beside HEIC). */
export const ALLOWED_UPLOAD_TYPES_LABEL: string = frenchList(
  ALLOWED_UPLOAD_TYPES.filter((type) => type.mediaType !== "image/heif").map((type) => type.label),
);

/**
 * The `accept` attribute of a file input: extensions and MIME types both, since some pickers (iOS) go by type and
 * others by extension. It only guides the picker: the server checks the content whatever is chosen.
 */
export const UPLOAD_ACCEPT: string = [
  ...ALLOWED_UPLOAD_TYPES.flatMap((type) =>
    [type.extension, ...type.otherExtensions].map((extension) => `.${extension}`),
  ),
  ...ALLOWED_UPLOAD_MEDIA_TYPES,
].join(",");

/** The allowed type of a detected MIME type (parameters and case ignored), or undefined when it is refused. */
export function allowedUploadType(mediaType: string | undefined): AllowedUploadType | undefined {
  if (!mediaType) return undefined;
  const bare = mediaType.split(";")[0]!.trim().toLowerCase();
  return ALLOWED_UPLOAD_TYPES.find((type) => type.mediaType === bare);
}

/** « 50 Mo »: a size limit as shown to people, the same way file managers count (1 Mo = 1 048 576 octets). */
export function formatUploadLimit(maxBytes: number): string {
  return formatFileSize(maxBytes);
}

/** What a page shows beside a file input, e.g. « PDF, JPEG, …, ODS ou MP4 ; 50 Mo au plus. » */
export function describeUploadRules(maxBytes: number): string {
  return `${ALLOWED_UPLOAD_TYPES_LABEL} ; ${formatUploadLimit(maxBytes)} au plus.`;
}

function frenchList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ou ${items[items.length - 1]}`;
}
