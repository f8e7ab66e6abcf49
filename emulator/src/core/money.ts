// Formatting an amount in the smallest currency unit as people read it.
const formatters = new Map<string, { format: Intl.NumberFormat; minorUnits: number }>();

/**
 * An amount in the smallest currency unit as people read it (`2000`, `usd` → `$20.00`; `500`, `jpy` → `¥500`).
 * Formatters are kept per currency: building an Intl.NumberFormat costs far more than using one.
 */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let formatter = formatters.get(code);
  if (!formatter) {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    formatter = { format, minorUnits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formatters.set(code, formatter);
  }
  return formatter.format.format(amount / 10 ** formatter.minorUnits);
}
