import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serialize } from '../src/wire-format.ts';

const key = fc
  .string({ minLength: 1 })
  .filter((k) => !k.includes('\\') && !['__proto__', 'constructor', 'prototype'].includes(k));

const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.string(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
    fc.integer(),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    // Keys as our procedures return them; superjson itself cannot round-trip a Date under "",
    // and refuses or mangles "__proto__", "constructor" and "prototype".
    fc.dictionary(fc.oneof(key, fc.constantFrom('a.b', '0', '__proto__x')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('the response wire format', () => {
  it('writes exactly what superjson writes for plain data with dates', () => {
    fc.assert(
      fc.property(plain, (value) => {
        expect(serialize(value)).toEqual(superjson.serialize(value));
      }),
      { numRuns: Number(process.env.WIRE_RUNS ?? 300) },
    );
  });

  it('round-trips through superjson on the client', () => {
    fc.assert(
      fc.property(plain, (value) => {
        expect(superjson.deserialize(JSON.parse(JSON.stringify(serialize(value))))).toEqual(value);
      }),
      { numRuns: Number(process.env.WIRE_RUNS ?? 300) },
    );
  });

  it('hands anything else to superjson', () => {
    for (const value of [
      { a: undefined },
      { 'x\\.y': new Date(0) },
      new Map([[1, 2]]),
      { n: Number.NaN },
      10n,
      { d: new Date(Number.NaN) },
      [new Set([1])],
      undefined,
    ]) {
      expect(serialize(value)).toEqual(superjson.serialize(value));
    }
    // Like superjson, refuse an own "__proto__" key (prototype pollution).
    expect(() => serialize({ ['__proto__']: 1 })).toThrow(/prototype pollution/);
  });
});
