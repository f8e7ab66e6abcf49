// Pieces the development pages share: amounts and dates, tables, the list of a customer's entitlements, the portal
// link.
import type { EntitlementCheck } from '../entitlements/entitlements.service.js';
import { html, type Interpolation, type SafeHtml } from './html.js';
import { DEV_PORTAL_PATH } from './return-page-urls.js';

export type CurrentEntitlement = EntitlementCheck & { feature: string };

export function formatAmount(minorUnits: number | string | null, currency: string | null): string {
  if (minorUnits === null || currency === null) return '–';
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(Number(minorUnits) / 10 ** digits);
}

export const formatDate = (date: Date | null) => (date === null ? '–' : date.toISOString().slice(0, 10));

/** A column of a page's table; amount columns are right-aligned. */
export interface Column {
  label: string;
  amount?: boolean;
}

/** A table with one cell per column in each row (every cell escaped, as every interpolation is). */
export function dataTable(columns: Column[], rows: Interpolation[][], testId?: string): SafeHtml {
  const header = columns.map((column) =>
    column.amount ? html`<th class="amount">${column.label}</th>` : html`<th>${column.label}</th>`,
  );
  const body = rows.map(
    (row) =>
      html`<tr>
        ${row.map((cell, index) =>
          columns[index]?.amount ? html`<td class="amount">${cell}</td>` : html`<td>${cell}</td>`,
        )}
      </tr>`,
  );
  const table = html`<thead>
      <tr>
        ${header}
      </tr>
    </thead>
    <tbody>
      ${body}
    </tbody>`;
  return testId === undefined
    ? html`<table>
        ${table}
      </table>`
    : html`<table data-testid="${testId}">
        ${table}
      </table>`;
}

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
