// The GET filter bar of list pages: each filter keeps the value from the URL, so a filtered list can be shared.
import { Form, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";

export function FilterBar({ children, search = false }: { children: ReactNode; search?: boolean }) {
  return (
    <Form method="get" className="filters" role={search ? "search" : undefined}>
      {children}
      <button type="submit" className="button button--ghost">
        Filtrer
      </button>
    </Form>
  );
}

export function SelectFilter({
  name,
  label,
  allLabel,
  options,
}: {
  name: string;
  label: string;
  allLabel: string;
  options: readonly { value: string; label: string }[];
}) {
  const [params] = useSearchParams();
  return (
    <label>
      {label}
      <select name={name} defaultValue={params.get(name) ?? ""}>
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
