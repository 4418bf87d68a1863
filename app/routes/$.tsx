// Any unknown address gets the French 404 page with a real 404 status.
import { json } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/status-page";

export async function loader() {
  throw json({ message: "Page introuvable." }, { status: 404 });
}

export async function action() {
  throw json({ message: "Page introuvable." }, { status: 404 });
}

export default function NotFound() {
  return null;
}

export const ErrorBoundary = GeneralErrorBoundary;
