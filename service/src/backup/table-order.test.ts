// The backup's table order: every table after the tables it references, ties by name; a cycle is refused.
import { describe, expect, it } from 'vitest';
import { orderByForeignKeys } from './create-backup.js';

const table = (name: string) => ({ name, columns: ['id'] });

describe('orderByForeignKeys', () => {
  it('puts a referenced table before the tables that reference it, the rest by name', () => {
    const ordered = orderByForeignKeys(
      [table('order_items'), table('orders'), table('customers'), table('api_keys')],
      [
        { child: 'order_items', parent: 'orders' },
        { child: 'orders', parent: 'customers' },
        { child: 'orders', parent: 'orders' },
      ],
    );
    expect(ordered.map((entry) => entry.name)).toEqual(['api_keys', 'customers', 'orders', 'order_items']);
  });

  it('refuses tables whose foreign keys form a cycle', () => {
    expect(() =>
      orderByForeignKeys(
        [table('a'), table('b'), table('c')],
        [
          { child: 'a', parent: 'b' },
          { child: 'b', parent: 'a' },
        ],
      ),
    ).toThrow('foreign keys form a cycle between a, b');
  });
});
