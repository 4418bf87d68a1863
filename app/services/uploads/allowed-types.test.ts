import { describe, expect, it } from "vitest";
import {
  ALLOWED_UPLOAD_MEDIA_TYPES,
  ALLOWED_UPLOAD_TYPES,
  ALLOWED_UPLOAD_TYPES_LABEL,
  UPLOAD_ACCEPT,
  allowedUploadType,
  describeUploadRules,
  formatUploadLimit,
} from "./allowed-types";
import { UPLOAD_REFUSAL_STATUS, UploadRefusedError, uploadMessages } from "./upload-refused";

describe("the allowlist of uploaded file types", () => {
  it("is PDF, JPEG, PNG, WebP, HEIC/HEIF, DOCX, ODT, XLSX, ODS and MP4, by MIME type", () => {
    expect(ALLOWED_UPLOAD_MEDIA_TYPES).toEqual([
      "application/pdf",
      "image/jpeg",
      "image/png",
      "image/webp",
      "image/heic",
      "image/heif",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.oasis.opendocument.text",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.oasis.opendocument.spreadsheet",
      "video/mp4",
    ]);
  });

  it("reads in French for people", () => {
    expect(ALLOWED_UPLOAD_TYPES_LABEL).toBe("PDF, JPEG, PNG, WebP, HEIC, DOCX, ODT, XLSX, ODS ou MP4");
    expect(describeUploadRules(50 * 1024 * 1024)).toBe(
      "PDF, JPEG, PNG, WebP, HEIC, DOCX, ODT, XLSX, ODS ou MP4 ; 50 Mo au plus.",
    );
  });

  it("gives file inputs an accept attribute with every extension and MIME type", () => {
    const accept = UPLOAD_ACCEPT.split(",");
    for (const extension of [
      ".pdf",
      ".jpg",
      ".jpeg",
      ".png",
      ".webp",
      ".heic",
      ".heif",
      ".docx",
      ".odt",
      ".xlsx",
      ".ods",
      ".mp4",
    ]) {
      expect(accept).toContain(extension);
    }
    for (const mediaType of ALLOWED_UPLOAD_MEDIA_TYPES) expect(accept).toContain(mediaType);
    expect(UPLOAD_ACCEPT).not.toMatch(/\s/);
    expect(new Set(accept).size).toBe(accept.length);
  });

  it("finds the allowed type of a detected MIME type, ignoring case and parameters", () => {
    expect(allowedUploadType("application/pdf")).toMatchObject({ extension: "pdf", label: "PDF" });
    expect(allowedUploadType("IMAGE/JPEG")).toMatchObject({ extension: "jpg" });
    expect(allowedUploadType("video/mp4; codecs=avc1")).toMatchObject({ extension: "mp4" });
    expect(allowedUploadType("image/heif")).toMatchObject({ extension: "heif" });
  });

  it.each([
    undefined,
    "",
    "application/zip",
    "application/x-msdownload",
    "application/x-elf",
    "text/html",
    "image/svg+xml",
    "image/apng",
    "image/avif",
    "image/heic-sequence",
    "video/quicktime",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ])("refuses %s", (mediaType) => {
    expect(allowedUploadType(mediaType)).toBeUndefined();
  });

  it("gives every type a distinct extension", () => {
    const extensions = ALLOWED_UPLOAD_TYPES.flatMap((type) => [type.extension, ...type.otherExtensions]);
    expect(new Set(extensions).size).toBe(extensions.length);
  });

  it("writes limits as French file managers do", () => {
    expect(formatUploadLimit(50 * 1024 * 1024)).toBe("50 Mo");
    expect(formatUploadLimit(1024 * 1024)).toBe("1 Mo");
    expect(formatUploadLimit(1.5 * 1024 * 1024)).toBe("1,5 Mo");
    expect(formatUploadLimit(40 * 1024)).toBe("40 Ko");
  });
});

describe("upload refusals", () => {
  it("say in French what went wrong and what to do", () => {
    expect(uploadMessages.tooLarge("x.pdf", 50 * 1024 * 1024)).toBe(
      "Le fichier « x.pdf » dépasse la taille maximale autorisée de 50 Mo.",
    );
    expect(uploadMessages.empty("x")).toBe("Le fichier « x » est vide.");
    expect(uploadMessages.typeNotAllowed("x")).toBe(
      "Le fichier « x » n'est pas d'un type accepté (PDF, JPEG, PNG, WebP, HEIC, DOCX, ODT, XLSX, ODS ou MP4).",
    );
    expect(uploadMessages.storageFailed()).toBe("L'envoi du fichier a échoué : réessayez dans quelques instants.");
    expect(uploadMessages.tooManyFiles(1)).toBe("Envoyez un seul fichier à la fois.");
    expect(uploadMessages.tooManyFiles(4)).toBe("Envoyez au plus 4 fichiers à la fois.");
    expect(uploadMessages.requestTooLarge(1, 50 * 1024 * 1024)).toBe(
      "L'envoi dépasse la taille maximale autorisée de 50 Mo.",
    );
  });

  it("carry a code, an HTTP status, the file concerned and the cause", () => {
    const cause = new Error("socket hang up");
    const error = new UploadRefusedError("storage_failed", uploadMessages.storageFailed(), {
      fileName: "a.pdf",
      field: "piece",
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("UploadRefusedError");
    expect(error).toMatchObject({
      code: "storage_failed",
      status: 503,
      fileName: "a.pdf",
      field: "piece",
      cause,
      leftKeys: [],
    });
    expect(new UploadRefusedError("too_large", "…").status).toBe(413);
    expect(new UploadRefusedError("type_not_allowed", "…").status).toBe(415);
    expect(Object.keys(UPLOAD_REFUSAL_STATUS).sort()).toEqual(
      [
        "aborted",
        "empty",
        "not_multipart",
        "request_too_large",
        "storage_failed",
        "too_large",
        "too_many_files",
        "type_not_allowed",
      ].sort(),
    );
  });
});
