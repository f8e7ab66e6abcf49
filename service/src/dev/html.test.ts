// The development pages' HTML template: every interpolated value is escaped unless it was built by the template.
import { describe, expect, it } from 'vitest';
import { html, page } from './html.js';
import { formatAmount } from './return-pages.sections.js';

describe('html template', () => {
  it('escapes interpolated strings and numbers, in text and in attributes', () => {
    const hostile = `<img src=x onerror="alert('x')"> & more`;
    expect(html`<p title="${hostile}">${hostile} ${42}</p>`.markup).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; more">' +
        '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; more 42</p>',
    );
  });

  it('keeps markup built by the template, escapes arrays item by item, and drops null, undefined and false', () => {
    const items = ['<a>', 'b&c'].map((item) => html`<li>${item}</li>`);
    // prettier-ignore
    const markup = html`<ul>${items}</ul>${null}${undefined}${false}${['<x>']}`.markup;
    expect(markup).toBe('<ul><li>&lt;a&gt;</li><li>b&amp;c</li></ul>&lt;x&gt;');
  });

  it('escapes the title and the reload URL of a page', () => {
    const markup = page('<Title>', html`<p>body</p>`, { refreshSeconds: 1, refreshUrl: '/x?a=1&b="2"' });
    expect(markup).toContain('<title>&lt;Title&gt;</title>');
    expect(markup).toMatch(/<meta\s+http-equiv="refresh"\s+content="1; url=\/x\?a=1&amp;b=&quot;2&quot;"/);
    expect(markup).not.toContain('<script');
  });
});

describe('formatAmount', () => {
  it("formats minor units in the currency's own decimals", () => {
    expect(formatAmount(3700, 'usd')).toBe('$37.00');
    expect(formatAmount('1999', 'eur')).toBe('€19.99');
    expect(formatAmount(500, 'jpy')).toBe('¥500');
    expect(formatAmount(null, 'usd')).toBe('–');
  });
});
