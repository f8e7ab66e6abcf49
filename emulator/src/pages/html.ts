// Shared HTML of the hosted pages: the page frame, its stylesheet, escaping and dates.
/** Shared HTML for the hosted pages: one inline stylesheet, no external assets, escaping for every interpolation. */
export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function formatDate(timestamp: number): string {
  return new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(timestamp * 1000));
}

const STYLES = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f8fa;color:#1a1f36}
main{max-width:960px;margin:0 auto;padding:32px 16px;display:grid;gap:24px}
main.split{grid-template-columns:1fr 1fr}
@media (max-width:720px){main.split{grid-template-columns:1fr}}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 12px}
.muted{color:#697386;font-size:14px}
.badge{display:inline-block;font-size:12px;padding:2px 8px;border-radius:10px;background:#e3e8ee;color:#3c4257}
.badge.test{background:#ffde92;color:#7a4b00}
table{width:100%;border-collapse:collapse;font-size:14px}
td,th{padding:8px 0;border-bottom:1px solid #e3e8ee;text-align:left}td.amount,th.amount{text-align:right}
tfoot td{font-weight:600;border-bottom:none;font-size:16px}
label{display:block;font-size:14px;font-weight:500;margin:12px 0 4px}
input,select{width:100%;font-size:16px;padding:10px;border:1px solid #cfd7df;border-radius:6px}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
button,.button{display:inline-block;margin-top:16px;padding:12px 16px;font-size:16px;font-weight:600;border:none;border-radius:6px;background:#635bff;color:#fff;cursor:pointer;text-decoration:none;text-align:center}
button.full{width:100%}
button.secondary,.button.secondary{background:#fff;color:#3c4257;border:1px solid #cfd7df}
button.danger{background:#df1b41}
.error{background:#fde8ec;color:#a41c3a;border-radius:6px;padding:12px;margin-top:12px}
.notice{background:#e6f4ea;color:#1e6b35;border-radius:6px;padding:12px}
.actions{display:flex;gap:8px;flex-wrap:wrap;align-items:flex-end}.actions form{margin:0;display:flex;gap:8px;align-items:flex-end;flex-wrap:wrap}.actions select{min-width:280px}
.subscription{border-top:1px solid #e3e8ee;padding-top:16px;margin-top:16px}
a{color:#635bff}
`;

export function page(title: string, body: string, options: { mainClass?: string } = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLES}</style></head>
<body><main${options.mainClass ? ` class="${options.mainClass}"` : ''}>${body}</main></body></html>`;
}

/** A page for a session that can no longer be used (expired, completed, unknown). */
export function messagePage(title: string, message: string, link?: { href: string; label: string }): string {
  return page(
    title,
    `<section><h1>${escapeHtml(title)}</h1><p class="muted">${escapeHtml(message)}</p>${
      link ? `<a class="button" href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a>` : ''
    }</section>`,
  );
}
