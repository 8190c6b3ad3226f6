/** Number and text formatting shared by the renderers. */
export function money(amount: number, currency: string): string {
  return `${currency === 'USD' ? '$' : `${currency} `}${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Unit prices are small: up to 10 significant digits, no exponent. */
export function unitPrice(amount: number): string {
  if (amount === 0) return '0';
  return amount.toLocaleString('en-US', { maximumSignificantDigits: 10, useGrouping: false });
}

export function quantity(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 4 : 2 });
}

export function percent(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)} %`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
