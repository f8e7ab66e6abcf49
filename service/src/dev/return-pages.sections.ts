// Pieces the development pages share: amounts and dates, the list of a customer's entitlements, the portal link.
import type { EntitlementCheck } from '../entitlements/entitlements.service.js';
import { html, type SafeHtml } from './html.js';
import { DEV_PORTAL_PATH } from './return-page-urls.js';

export type CurrentEntitlement = EntitlementCheck & { feature: string };

export function formatAmount(minorUnits: number | string | null, currency: string | null): string {
  if (minorUnits === null || currency === null) return '–';
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(Number(minorUnits) / 10 ** digits);
}

export const formatDate = (date: Date | null) => (date === null ? '–' : date.toISOString().slice(0, 10));

export function portalLink(customer: string): SafeHtml {
  return html`<p>
    <a class="button" href="${`${DEV_PORTAL_PATH}?customer=${encodeURIComponent(customer)}`}"
      >Manage billing in the customer portal</a
    >
  </p>`;
}

export function entitlementList(entitlements: CurrentEntitlement[], testId: string, empty: string): SafeHtml {
  if (entitlements.length === 0) return html`<p class="muted" data-testid="${testId}">${empty}</p>`;
  return html`<ul data-testid="${testId}">
    ${entitlements.map(
      (entitlement) =>
        html`<li>
          <strong>${entitlement.feature}</strong>
          <span class="muted"
            >from ${entitlement.source?.type ?? ''}
            ${entitlement.source?.id ?? ''}${entitlement.expires_at === null ? '' : `, until ${entitlement.expires_at}`}</span
          >
        </li>`,
    )}
  </ul>`;
}
