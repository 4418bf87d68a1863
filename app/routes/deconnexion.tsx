// Logging out is a POST (a link could be triggered by a third-party page); a GET just shows where to go.
import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { endSession } from "~/utils/session.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  return endSession(request, "/connexion?deconnecte=1");
}
