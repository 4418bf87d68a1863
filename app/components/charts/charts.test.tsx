// The charts' markup as the server sends it: one image named by its title and described by its sentence, bars
// proportional to the values, and the same figures in a table behind a <details> toggle.
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChart } from "./bar-chart";
import { FunnelChart } from "./funnel-chart";
import { PercentileChart } from "./percentile-chart";
import { StackedBars } from "./stacked-bars";

const table = { caption: "Les données", headers: ["Libellé", "Valeur"], rows: [["A", 1]] as const };

function dataValues(html: string, tag: "rect" | "line" = "rect"): number[] {
  return [...html.matchAll(new RegExp(`<${tag}[^>]*data-value="([^"]+)"[^>]*>`, "g"))].map((m) => Number(m[1]));
}
function widths(html: string): number[] {
  return [...html.matchAll(/<rect[^>]*width="([^"]+)"[^>]*data-value=/g)].map((m) => Number(m[1]));
}

describe("chart markup", () => {
  it("announces the SVG as one image labelled by its title and description, with the data in a table", () => {
    const html = renderToString(
      <BarChart
        id="c1"
        title="Candidatures par état"
        description="12 candidatures en tout."
        rows={[{ label: "Recevable", value: 12, valueLabel: "12" }]}
        table={table}
      />,
    );
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="c1-title c1-desc"/);
    expect(html).toMatch(/<svg[^>]*viewBox="0 0 360 \d+"[^>]*width="100%"/);
    expect(html).toContain('<title id="c1-title">Candidatures par état</title>');
    expect(html).toContain('<desc id="c1-desc">12 candidatures en tout.</desc>');
    expect(html).toMatch(/<details class="chart__data"><summary>Voir les données<\/summary>/);
    expect(html).toContain("<caption>Les données</caption>");
    expect(html).toContain('<th scope="col">Libellé</th>');
    expect(html).toContain('<th scope="row">A</th>');
    // Direct label: the value is written, not only drawn.
    expect(html).toMatch(/class="chart__value"[^>]*>12<\/text>/);
  });

  it("draws bars proportional to their values and clips long labels (whole in the table)", () => {
    const long = "C2.3 Négocier les conditions commerciales avec le client dans le respect de la politique";
    const html = renderToString(
      <BarChart
        id="c2"
        title="t"
        description="d"
        axisMax={100}
        rows={[
          { label: long, value: 50, valueLabel: "50 %" },
          { label: "B", value: 25, valueLabel: "25 %" },
          { label: "C", value: 0, valueLabel: "0 %" },
        ]}
        table={{ ...table, rows: [[long, "50 %"]] }}
      />,
    );
    const [a, b, c] = widths(html);
    expect(a! / b!).toBeCloseTo(2, 10);
    expect(c).toBe(0);
    expect(html).toContain("C2.3 Négocier les conditions commerciales avec le c…");
    // Every bar inside the drawing, each below its own label and above the next row's.
    const height = Number(html.match(/viewBox="0 0 360 (\d+)"/)![1]);
    const tops = [...html.matchAll(/<rect[^>]*y="([^"]+)"[^>]*height="([^"]+)"[^>]*data-value=/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    const labels = [...html.matchAll(/<text x="0" y="([^"]+)" class="chart__label"/g)].map((m) => Number(m[1]));
    expect(tops).toHaveLength(3);
    tops.forEach(([y, h], index) => {
      expect(y!).toBeGreaterThan(labels[index]!);
      expect(y! + h!).toBeLessThan(labels[index + 1] ?? height);
      expect(y! + h!).toBeLessThanOrEqual(height);
    });
    expect(html).toContain(`<th scope="row">${long}</th>`);
  });

  it("says when there is nothing to draw", () => {
    const html = renderToString(<BarChart id="c3" title="t" description="d" rows={[]} table={table} />);
    expect(html).toContain("Aucune donnée sur la période.");
  });

  it("narrows the funnel with the cohort and writes each step's share", () => {
    const html = renderToString(
      <FunnelChart
        id="f"
        title="t"
        description="d"
        steps={[
          { label: "Demandes déposées", count: 8 },
          { label: "Recevables", count: 6 },
          { label: "Résultats validés", count: 2 },
        ]}
        table={table}
      />,
    );
    expect(dataValues(html)).toEqual([8, 6, 2]);
    const [first, second, third] = widths(html);
    expect(first).toBe(360);
    expect(second).toBe(270);
    expect(third).toBe(90);
    expect(html).toContain("Recevables : 6 (75 %)");
  });

  it("hatches the second series and names both in a legend", () => {
    const html = renderToString(
      <StackedBars
        id="s"
        title="t"
        description="d"
        seriesLabels={["décidée", "par silence"]}
        rows={[{ label: "mars 2026", values: [3, 1], valueLabel: "3 + 1 par silence" }]}
        table={table}
      />,
    );
    expect(html).toContain('<pattern id="s-hatch"');
    expect(html).toMatch(/<rect[^>]*fill="url\(#s-hatch\)"/);
    expect(html).toMatch(/<ul class="chart__legend">.*décidée.*par silence.*<\/ul>/s);
    expect(html).toContain("3 + 1 par silence");
  });

  it("draws the median as a bar and the 90th percentile as a whisker on a shared axis", () => {
    const html = renderToString(
      <PercentileChart
        id="p"
        title="t"
        description="d"
        unit="j"
        rows={[
          { label: "Recevabilité", median: 10, p90: 40 },
          { label: "Résultat", median: null, p90: null },
        ]}
        table={table}
      />,
    );
    expect(dataValues(html)).toEqual([10]);
    expect(dataValues(html, "line")).toEqual([40]);
    // The stage's name and its figures on lines of their own, so that neither runs off a narrow chart.
    expect(html).toContain(">Recevabilité</text>");
    expect(html).toContain(">médiane 10 j, 90e centile 40 j</text>");
    expect(html).toContain(">Résultat</text>");
    expect(html).toContain(">aucun parcours terminé</text>");
    expect(html).toContain("40 j</text>");
  });
});
