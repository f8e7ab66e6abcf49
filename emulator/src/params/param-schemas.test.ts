// Tests that the checked-in parameter schemas are what the pinned SDK's params types say.
import { describe, expect, it } from 'vitest';
import { deriveParamSchemas } from '../../scripts/derive-param-schemas.js';
import derived from './param-schemas.json' with { type: 'json' };

describe('parameter schemas', () => {
  it('match what scripts/derive-param-schemas.ts derives from the installed stripe SDK', () => {
    const fresh = deriveParamSchemas();
    expect(Object.keys(fresh).length).toBeGreaterThan(100);
    expect(fresh).toEqual(derived);
  }, 120_000);
});
