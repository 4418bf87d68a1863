// What the certificate tests share: the issuing's dependencies on a given storage (the configured signing key, a
// fixed certifier and address) and the objects stored under a prefix.
import type { CertificateIssuingDeps } from "../../../app/services/certificate-issuing.server";
import { loadIssuerKey } from "../../../app/services/credentials/signing-key.server";
import type { ObjectStorage } from "../../../app/services/storage";
import { getConfig } from "../../../app/utils/env.server";

export type { Cast } from "./decided-candidacy";

export const ISSUING = {
  publicUrl: "https://vae.exemple.fr",
  certifier: { name: "Organisme certificateur de la Filière Alimentaire", place: "Paris" },
} as const;

export function issuingDeps(storage: ObjectStorage): CertificateIssuingDeps {
  return {
    storage,
    publicUrl: ISSUING.publicUrl,
    certifier: { ...ISSUING.certifier },
    issuerKey: async () => loadIssuerKey(getConfig()),
  };
}

/** The keys stored under a prefix, sorted. */
export async function filesOf(storage: ObjectStorage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list(prefix)) keys.push(object.key);
  return keys.sort();
}
