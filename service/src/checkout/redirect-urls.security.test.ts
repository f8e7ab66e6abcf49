// Security suite, redirect URLs: every trick against success_url, cancel_url and the portal's return_url is refused
// before anything reaches Stripe, and what is forwarded to Stripe is the normalised URL (read back from the
// emulator through the SDK), not the raw string.
import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCheckoutWorld } from '../test-support/checkout-world.js';
import { SHOP, type SeededTestApp } from '../test-support/seeded-test-app.js';

/** [trick, URL, what the refusal says] — ALLOWED_REDIRECT_ORIGINS is https://shop.example, https required. */
const TRICKS: Array<[string, string, string]> = [
  ['another host', 'https://evil.example/thanks', 'origin https://evil.example is not in'],
  ['the allowed host as a subdomain of another', 'https://shop.example.evil.example/', 'is not in'],
  [
    'the allowed host with a trailing dot',
    'https://shop.example./x',
    'origin https://shop.example. is not in',
  ],
  [
    'the allowed host on another port',
    'https://shop.example:8443/x',
    'origin https://shop.example:8443 is not in',
  ],
  ['javascript:', 'javascript:alert(document.domain)', 'scheme javascript: is not allowed'],
  ['JaVaScRiPt: in mixed case', 'JaVaScRiPt:alert(1)', 'scheme javascript: is not allowed'],
  ['data:', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', 'scheme data: is not allowed'],
  ['vbscript:', 'vbscript:msgbox(1)', 'scheme vbscript: is not allowed'],
  ['file:', 'file:///etc/passwd', 'scheme file: is not allowed'],
  ['blob: of the allowed origin', `blob:${SHOP}/0f1e2d3c`, 'scheme blob: is not allowed'],
  ['a protocol-relative //evil', '//evil.example/x', 'must be an absolute URL'],
  ['a relative path', '/thanks', 'must be an absolute URL'],
  ['https://allowed@evil', 'https://shop.example@evil.example/', 'must not contain credentials'],
  ['credentials on the allowed host', 'https://user:pass@shop.example/', 'must not contain credentials'],
  [
    'an encoded slash in the user part',
    'https://evil.example%2F@shop.example/',
    'must not contain credentials',
  ],
  ['backslashes for slashes', 'https:\\\\evil.example\\x', 'backslashes'],
  ['a backslash before @', 'https://shop.example\\@evil.example/', 'backslashes'],
  ['a leading space', ' https://shop.example/x', 'spaces'],
  ['a tab inside', 'https://shop.\texample/x', 'control characters'],
  ['a newline inside', 'https://shop.example/x\nLocation: https://evil.example', 'control characters'],
  ['a decimal IPv4 literal', 'https://2130706433/', 'origin https://127.0.0.1 is not in'],
  ['an octal IPv4 literal', 'https://0177.0.0.1/', 'origin https://127.0.0.1 is not in'],
  ['a hexadecimal IPv4 literal', 'https://0x7f.0.0.1/', 'origin https://127.0.0.1 is not in'],
  ['a short IPv4 literal', 'https://127.1/', 'origin https://127.0.0.1 is not in'],
  ['an IPv6 literal', 'https://[::1]/', 'origin https://[::1] is not in'],
  ['an IPv4-mapped IPv6 literal', 'https://[::ffff:127.0.0.1]/', 'origin https://[::ffff:7f00:1] is not in'],
  ['a cloud metadata address', 'https://169.254.169.254/latest', 'origin https://169.254.169.254 is not in'],
  ['a percent-encoded dot in the host', 'https://shop.example%2eevil.example/', 'is not in'],
  ['https: without slashes to another host', 'https:evil.example/x', 'origin https://evil.example is not in'],
  ['an http downgrade of the allowed origin', 'http://shop.example/thanks', 'must use https'],
  [
    'a URL longer than 2048 characters',
    `${SHOP}/${'a'.repeat(2100)}`,
    'must NOT have more than 2048 characters',
  ],
];

const FIELDS = ['success_url', 'cancel_url', 'return_url'] as const;

describe('API8:2023 Security Misconfiguration — redirect URLs (no open redirect)', () => {
  const checkout = useCheckoutWorld();
  let world: SeededTestApp;
  let stripe: Stripe;
  let customer: string;
  beforeAll(async () => {
    world = checkout.app;
    customer = await checkout.newCustomer();
    const emulatorUrl = new URL(world.emulator.url);
    stripe = new Stripe('sk_test_redirect_readback', {
      host: emulatorUrl.hostname,
      port: Number(emulatorUrl.port),
      protocol: 'http',
      telemetry: false,
    });
  });

  /** Sends `url` in `field` (a checkout or a portal session) and returns the answer. */
  const send = (field: (typeof FIELDS)[number], url: string) =>
    field === 'return_url'
      ? world.call('POST', '/v1/portal/sessions', { customer, return_url: url })
      : world.call('POST', '/v1/checkout/sessions', checkout.cart(customer, { [field]: url }));

  const cases = FIELDS.flatMap((field) => TRICKS.map(([trick, url, reason]) => [field, trick, url, reason]));

  it.each(cases)(
    '%s: refuses %s with 400 validation_failed, and sends Stripe nothing',
    async (field, _trick, url, reason) => {
      const sessionsBefore =
        world.stripeCount('checkout.session') + world.stripeCount('billing_portal.session');
      const response = await send(field as (typeof FIELDS)[number], url);
      expect(response.statusCode).toBe(400);
      const error = response.json<{ error: { code: string; message: string; param: string } }>().error;
      expect(error).toMatchObject({ code: 'validation_failed', param: field });
      expect(error.message).toContain(reason);
      expect(world.stripeCount('checkout.session') + world.stripeCount('billing_portal.session')).toBe(
        sessionsBefore,
      );
    },
  );

  it('forwards the normalised success_url and cancel_url to Stripe, keeping {CHECKOUT_SESSION_ID}', async () => {
    const response = await world.call(
      'POST',
      '/v1/checkout/sessions',
      checkout.cart(customer, {
        success_url:
          'HTTPS://Shop.Example:443/a/../orders/{CHECKOUT_SESSION_ID}/done?session={CHECKOUT_SESSION_ID}',
        cancel_url: 'https:/ｓhop.example/./cart/ü',
      }),
    );
    expect(response.statusCode).toBe(201);
    const session = await stripe.checkout.sessions.retrieve(response.json<{ id: string }>().id);
    expect(session.success_url).toBe(
      `${SHOP}/orders/{CHECKOUT_SESSION_ID}/done?session={CHECKOUT_SESSION_ID}`,
    );
    expect(session.cancel_url).toBe(`${SHOP}/cart/%C3%BC`);
  });

  it('forwards the normalised return_url to Stripe', async () => {
    const response = await world.call('POST', '/v1/portal/sessions', {
      customer,
      return_url: 'https://SHOP.example:443/account/./../account?tab=billing',
    });
    expect(response.statusCode).toBe(201);
    const created = await stripe.events.list({ type: 'billing_portal.session.created', limit: 1 });
    const session = created.data[0]?.data.object as { return_url: string | null; url: string } | undefined;
    expect(session?.url).toBe(response.json<{ url: string }>().url);
    expect(session?.return_url).toBe(`${SHOP}/account?tab=billing`);
  });

  it('treats differently written URLs of the same address as the same cart (one Stripe session)', async () => {
    const buyer = await checkout.newCustomer();
    const first = await world.call('POST', '/v1/checkout/sessions', checkout.cart(buyer));
    const again = await world.call(
      'POST',
      '/v1/checkout/sessions',
      checkout.cart(buyer, {
        success_url: 'https://SHOP.EXAMPLE/success?session_id={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://shop.example:443/cart',
      }),
    );
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json<{ id: string; reused: boolean }>()).toMatchObject({
      id: first.json<{ id: string }>().id,
      reused: true,
    });
  });
});
