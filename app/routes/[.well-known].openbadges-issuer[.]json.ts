// The issuer profile of the portal's Open Badges credentials, pointing at its public keys.
import { json } from "@remix-run/node";
import { publishedIssuerProfile } from "~/services/credentials/issuer.server";

export async function loader() {
  return json(await publishedIssuerProfile(), {
    headers: { "Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*" },
  });
}
