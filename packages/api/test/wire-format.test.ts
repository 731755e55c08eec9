import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serialize } from '../src/wire-format.ts';

const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null), fc.boolean(), fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)), fc.integer(),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('a.b', 'x\\.y', '0', '__proto__x')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('the response wire format', () => {
  it('writes exactly what superjson writes for plain data with dates', () => {
    fc.assert(fc.property(plain, (value) => {
      expect(serialize(value)).toEqual(superjson.serialize(value));
    }), { numRuns: 300 });
  });

  it('round-trips through superjson on the client', () => {
    fc.assert(fc.property(plain, (value) => {
      expect(superjson.deserialize(JSON.parse(JSON.stringify(serialize(value))))).toEqual(value);
    }), { numRuns: 300 });
  });

  it('hands anything else to superjson', () => {
    for (const value of [{ a: undefined }, new Map([[1, 2]]), { n: Number.NaN }, 10n, { d: new Date(Number.NaN) }, [new Set([1])], undefined]) {
      expect(serialize(value)).toEqual(superjson.serialize(value));
    }
  });
});
