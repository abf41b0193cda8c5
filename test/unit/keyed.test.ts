import { describe, expect, it } from 'vitest';
import { keyed } from '../../src/lib/keyed.js';

describe('keyed: a record of user-scale names', () => {
  it('holds what Object.fromEntries would, the later of two equal keys winning', () => {
    const entries: Array<[string, number]> = [
      ['ada@example.com', 1],
      ['grace@example.com', 2],
      ['ada@example.com', 3],
    ];
    expect(keyed(entries)).toEqual(Object.fromEntries(entries));
    expect(Object.keys(keyed(entries))).toEqual(['ada@example.com', 'grace@example.com']);
  });

  it('takes any name as a key: "__proto__" and "constructor" are entries, not the prototype', () => {
    const record = keyed([
      ['__proto__', 'a user'],
      ['constructor', 'another'],
    ]);
    expect(Object.keys(record)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe('a user');
    expect(record.constructor).toBe('another');
    expect(keyed<string>([]).toString).toBeUndefined();
    expect(JSON.parse(JSON.stringify(record))).toEqual({ ['__proto__']: 'a user', constructor: 'another' });
  });
});
