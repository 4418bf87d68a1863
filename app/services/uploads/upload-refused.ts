// Why an upload was refused, with the French sentence to show the person who sent it. Pure: routes and pages may
// import it to pick a status or a wording by code.
import type { RefusalStatus } from "../../../workflows/refusal";
import { ALLOWED_UPLOAD_TYPES_LABEL, formatUploadLimit } from "./allowed-types";

export type UploadRefusalCode =
  | "empty"
  | "too_large"
  | "type_not_allowed"
  | "too_many_files"
  | "request_too_large"
  | "storage_failed"
  | "not_multipart"
  | "aborted";

/** The HTTP status a route answers with for each refusal. */
export const UPLOAD_REFUSAL_STATUS: Readonly<Record<UploadRefusalCode, RefusalStatus>> = {
  empty: 400,
  too_large: 413,
  type_not_allowed: 415,
  too_many_files: 400,
  request_too_large: 413,
  storage_failed: 503,
  not_multipart: 400,
  // The client is gone: nobody reads the answer, but logs and tests see a 400.
  aborted: 400,
};

export class UploadRefusedError extends Error {
  override readonly name = "UploadRefusedError";
  /** Keys whose clean-up failed (the storage was unreachable): objects left behind, to remove later. */
  leftKeys: string[] = [];
  /** The text fields read before the refusal (those sent before the file): to show the form again as it was filled. */
  fields: FormData = new FormData();

  constructor(
    readonly code: UploadRefusalCode,
    /** French, ready to show to the person who sent the file. */
    message: string,
    options: { fileName?: string; field?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.fileName = options.fileName;
    this.field = options.field;
  }

  /** The cleaned name of the file concerned, when there is one. */
  readonly fileName: string | undefined;
  /** The form field of the file concerned, when there is one. */
  readonly field: string | undefined;

  get status(): RefusalStatus {
    return UPLOAD_REFUSAL_STATUS[this.code];
  }
}

/** The French sentences, in one place so that pages and tests use the same words. */
export const uploadMessages = {
  empty: (fileName: string) => `Le fichier « ${fileName} » est vide.`,
  tooLarge: (fileName: string, maxFileBytes: number) =>
    `Le fichier « ${fileName} » dépasse la taille maximale autorisée de ${formatUploadLimit(maxFileBytes)}.`,
  typeNotAllowed: (fileName: string) =>
    `Le fichier « ${fileName} » n'est pas d'un type accepté (${ALLOWED_UPLOAD_TYPES_LABEL}).`,
  tooManyFiles: (maxFiles: number) =>
    maxFiles <= 1 ? "Envoyez un seul fichier à la fois." : `Envoyez au plus ${maxFiles} fichiers à la fois.`,
  requestTooLarge: (maxFiles: number, maxFileBytes: number) =>
    maxFiles <= 1
      ? `L'envoi dépasse la taille maximale autorisée de ${formatUploadLimit(maxFileBytes)}.`
      : `L'envoi dépasse la taille maximale autorisée : ${maxFiles} fichiers de ${formatUploadLimit(maxFileBytes)} au plus.`,
  fieldTooLarge: () => "Un champ du formulaire est trop long : raccourcissez le texte et réessayez.",
  tooManyFields: () => "Le formulaire envoyé contient trop de champs : rechargez la page et réessayez.",
  storageFailed: () => "L'envoi du fichier a échoué : réessayez dans quelques instants.",
  notMultipart: () => "Le formulaire envoyé n'a pas pu être lu : rechargez la page et réessayez.",
  aborted: () => "L'envoi du fichier a été interrompu avant la fin : réessayez.",
} as const;
