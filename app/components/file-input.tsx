// A file field that says the size limit and accepted types before anything is sent, and refuses an oversize or
// empty file in the browser (the server checks again: this only spares the candidate a long useless upload).
import { useNavigation } from "@remix-run/react";
import { useState } from "react";
import { formatFileSize } from "~/utils/format";

export function FileInput({
  name = "file",
  id: givenId,
  label,
  maxBytes,
  accept,
  acceptedLabel,
  error,
  onValidityChange,
}: {
  name?: string;
  /** Needed when a page has several file fields. */
  id?: string;
  label: string;
  maxBytes: number;
  accept: string;
  acceptedLabel: string;
  error?: string;
  onValidityChange?: (valid: boolean) => void;
}) {
  const [clientError, setClientError] = useState<string | null>(null);
  const id = givenId ?? `field-${name}`;
  const shown = clientError ?? error;
  return (
    <div className={shown ? "field field--error" : "field"}>
      <label htmlFor={id}>{label}</label>
      <p className="field__hint" id={`${id}-hint`}>
        {acceptedLabel} — {formatFileSize(maxBytes)} au maximum par fichier.
      </p>
      <input
        id={id}
        type="file"
        name={name}
        accept={accept}
        required
        aria-invalid={shown ? true : undefined}
        aria-describedby={[`${id}-hint`, shown ? `${id}-error` : null].filter(Boolean).join(" ")}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          let message: string | null = null;
          if (file && file.size === 0) message = `Le fichier « ${file.name} » est vide.`;
          else if (file && file.size > maxBytes) {
            message = `Le fichier « ${file.name} » (${formatFileSize(file.size)}) dépasse la taille maximale autorisée de ${formatFileSize(maxBytes)}.`;
          }
          setClientError(message);
          onValidityChange?.(message === null);
        }}
      />
      {shown ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {shown}
        </p>
      ) : null}
    </div>
  );
}

/** The file field and the submit button of an upload form: the button waits for a valid file and shows the upload. */
export function FileUploadControls({
  id,
  label = "Fichier",
  maxBytes,
  accept,
  acceptedLabel,
  submitLabel,
}: {
  id?: string;
  label?: string;
  maxBytes: number;
  accept: string;
  acceptedLabel: string;
  submitLabel: string;
}) {
  const navigation = useNavigation();
  const [fileOk, setFileOk] = useState(true);
  const uploading = navigation.state === "submitting" && navigation.formEncType === "multipart/form-data";
  return (
    <>
      <FileInput
        id={id}
        label={label}
        maxBytes={maxBytes}
        accept={accept}
        acceptedLabel={acceptedLabel}
        onValidityChange={setFileOk}
      />
      <button type="submit" className="button" disabled={navigation.state !== "idle" || !fileOk}>
        {uploading ? "Envoi en cours…" : submitLabel}
      </button>
    </>
  );
}
