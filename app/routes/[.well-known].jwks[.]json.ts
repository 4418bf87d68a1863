// The issuer's public keys (JWKS), for anyone checking a credential the portal signed: public, cacheable, readable
// from another site's page.
import { json } from "@remix-run/node";
import { publishedJwks } from "~/services/credentials/issuer.server";

export async function loader() {
  return json(await publishedJwks(), {
    headers: { "Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*" },
  });
}
