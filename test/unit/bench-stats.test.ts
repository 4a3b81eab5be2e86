import { describe, expect, it } from "vitest";
import { formatTable, latencySummary, median, quantile } from "../../scripts/lib/bench-stats.ts";

describe("bench statistics", () => {
  it("takes the median of odd and even counts, whatever the order", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("takes quantiles by nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 1)).toBe(100);
    expect(quantile([7], 0.99)).toBe(7);
    expect(latencySummary(Float64Array.from(values))).toEqual({ median: 50.5, p99: 99 });
  });

  it("pads a table: text columns to the left, numbers to the right", () => {
    const table = formatTable(
      [
        ["", "measure", "a"],
        ["GET", "median", "10 µs"],
        ["", "p99", "1000 µs"],
      ],
      2,
    );
    expect(table.split("\n")).toEqual(["     measure        a", "---  -------  -------", "GET  median     10 µs", "     p99      1000 µs"]);
  });
});
