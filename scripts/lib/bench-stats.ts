/** Small statistics and formatting helpers for `npm run bench`. */

/** The median of some numbers (the mean of the two middle ones for an even count). */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The q-quantile (0 < q ≤ 1) by nearest rank: the smallest value with at least q of the values at or below it. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Median and p99 of one set of latencies, in one sort. */
export function latencySummary(samples: ArrayLike<number>): { median: number; p99: number } {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { median: Number.NaN, p99: Number.NaN };
  const mid = n >> 1;
  return {
    median: n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    p99: sorted[Math.min(n, Math.max(1, Math.ceil(0.99 * n))) - 1]!,
  };
}

/** Microseconds from milliseconds, for the table. */
export const us = (ms: number): string => (Number.isFinite(ms) ? `${(ms * 1000).toFixed(0)} µs` : "n/a");
export const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(3)}×` : "n/a");
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const signedMb = (bytes: number): string => `${bytes >= 0 ? "+" : "−"}${mb(Math.abs(bytes))}`;
export const ms = (value: number, digits = 0): string => (Number.isFinite(value) ? `${value.toFixed(digits)} ms` : "n/a");
export const perSecond = (value: number): string => `${Math.round(value).toLocaleString("en-US")}/s`;

/**
 * Formats rows as a plain-text table (the first row is the header), columns padded to fit: the first
 * `textColumns` columns aligned left, the rest (numbers) right.
 */
export function formatTable(rows: readonly (readonly string[])[], textColumns = 1): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  const [header, ...body] = rows;
  if (!header) return "";
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
