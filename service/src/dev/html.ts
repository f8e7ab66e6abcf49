// HTML for the development pages: a tagged template that escapes every interpolated value (escape-html), so a
// value can only become markup by being built with the same template, and the page frame with its stylesheet.
import escapeHtml from 'escape-html';

/** Markup built by `html`: the only kind of value interpolated without escaping. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type Interpolation =
  SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** `html\`<p>${name}</p>\``: strings, numbers and arrays of them are escaped; nested `html` is kept. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}

// Inline, as the CSP allows (style-src 'unsafe-inline'); no script at all, so the pages work under script-src 'self'.
const STYLES = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f8fa;color:#1a1f36}
main{max-width:760px;margin:0 auto;padding:32px 16px;display:grid;gap:16px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:20px 24px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:0 0 12px}
.muted{color:#697386;font-size:14px}
.badge{display:inline-block;font-size:12px;padding:2px 8px;border-radius:10px;background:#ffde92;color:#7a4b00}
table{width:100%;border-collapse:collapse;font-size:14px}
td,th{padding:6px 0;border-bottom:1px solid #e3e8ee;text-align:left}td.amount,th.amount{text-align:right}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0;font-size:14px}dt{color:#697386}dd{margin:0}
.notice{background:#e6f4ea;color:#1e6b35;border-radius:6px;padding:12px}
.waiting{background:#fff4d6;color:#7a4b00;border-radius:6px;padding:12px}
.error{background:#fde8ec;color:#a41c3a;border-radius:6px;padding:12px}
.button{display:inline-block;padding:10px 14px;font-weight:600;border-radius:6px;background:#635bff;color:#fff;text-decoration:none}
a{color:#635bff}
`;

/** A whole page; `refreshSeconds` reloads it (a meta refresh: no script needed) to `refreshUrl`. */
export function page(
  title: string,
  body: SafeHtml,
  options: { refreshSeconds?: number; refreshUrl?: string } = {},
): string {
  const refresh =
    options.refreshSeconds === undefined
      ? ''
      : html`<meta
          http-equiv="refresh"
          content="${`${options.refreshSeconds}; url=${options.refreshUrl ?? ''}`}"
        />`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <link rel="icon" href="data:," />
        ${refresh}
        <title>${title}</title>
        <style>
          ${new SafeHtml(STYLES)}
        </style>
      </head>
      <body>
        <main>
          ${body}
          <p class="muted">
            <span class="badge">development</span> A page of <code>npm start</code> (never served when
            NODE_ENV=production), for trying checkouts on the defaults. <a href="/docs">API docs</a>
          </p>
        </main>
      </body>
    </html>`.markup;
}
