// The recipe format as the Stripe CLI reads it: form fields and `${name:path}` references.
import { describe, expect, it } from 'vitest';
import { encodeFormFields, recipeFormFields, resolveReferences } from './trigger-recipe.js';

describe('trigger recipe format', () => {
  const responses = new Map<string, unknown>([
    ['customer', { id: 'cus_1', sources: { data: [{ id: 'card_9' }] } }],
    ['failed', null],
  ]);

  it('encodes hashes, arrays of scalars and arrays of hashes as the CLI does, with references resolved', () => {
    const fields = recipeFormFields(
      {
        customer: '${customer:id}',
        items: [{ price: 'price_1' }, { price: 'price_2', quantity: 2 }],
        payment_method_types: ['card', 3],
        metadata: { note: 'a b&c' },
        confirm: true,
        'recurring[interval]': 'month',
      },
      responses,
    );
    expect(fields).toEqual([
      ['customer', 'cus_1'],
      ['items[0][price]', 'price_1'],
      ['items[1][price]', 'price_2'],
      ['items[1][quantity]', '2'],
      ['payment_method_types[]', 'card'],
      ['metadata[note]', 'a b&c'],
      ['confirm', 'true'],
      ['recurring[interval]', 'month'],
    ]);
    expect(encodeFormFields(fields.slice(5, 8))).toBe(
      'metadata[note]=a+b%26c&confirm=true&recurring[interval]=month',
    );
  });

  it('resolves dot paths with indexes, keeps unresolved text, takes defaults and refuses unknown names', () => {
    expect(
      resolveReferences('/v1/customers/${customer:id}/sources/${customer:sources.data.0.id}', responses),
    ).toBe('/v1/customers/cus_1/sources/card_9');
    expect(resolveReferences('${failed:id}', responses)).toBe('${failed:id}');
    expect(resolveReferences('${customer:missing|fallback}', responses)).toBe('fallback');
    expect(resolveReferences('${.env:H7_UNSET_VARIABLE|none}', responses, {})).toBe('none');
    expect(() => resolveReferences('${nobody:id}', responses)).toThrow(/undeclared request name: nobody/);
  });
});
