/** The shared JSON-shape checker: paths, the root value, and what each check reports. */
import { describe, expect, it } from 'vitest';
import { ShapeError, expected, keyPath, object, oneOf, show } from './json-shape';

const error = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof ShapeError) return e.message;
    throw e;
  }
  throw new Error('expected a ShapeError');
};

describe('json-shape', () => {
  it('builds paths: dotted names, quoted odd keys, bare at the root', () => {
    expect(keyPath('', 'items')).toBe('items');
    expect(keyPath('a', 'b')).toBe('a.b');
    expect(keyPath('a', 'odd key')).toBe('a["odd key"]');
  });

  it('calls the root value "value", and names unknown fields with what is allowed', () => {
    expect(error(() => object('', [], ['v'], 'an object {v}'))).toBe(
      'value: expected an object {v}, got an array',
    );
    expect(error(() => object('', { v: 1, x: 2 }, ['v', 'run']))).toBe(
      'x: unknown field (expected v or run)',
    );
    expect(object('o', { v: 1 }, ['v'])).toEqual({ v: 1 });
  });

  it('says missing, or what it got, cut to 40 characters', () => {
    expect(error(() => expected('a', 'a name', undefined))).toBe('a: missing (expected a name)');
    expect(show('x'.repeat(50))).toBe(JSON.stringify(`${'x'.repeat(40)}…`));
    expect(error(() => oneOf('k', 'c', ['a', 'b']))).toBe(`k: expected 'a' or 'b', got "c"`);
  });
});
