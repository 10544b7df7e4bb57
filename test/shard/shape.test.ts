import { describe, expect, it } from 'vitest';
import {
  any,
  count,
  firstDifference,
  integer,
  list,
  nullable,
  object,
  record,
  shapeProblem,
  string,
  sum,
  tuple,
} from '../../sim/shard/shape.js';

const shape = object({
  name: string(/^[a-z-]+$/),
  clients: integer(1, 10),
  total: sum,
  buckets: list(tuple(count, count), 3),
  groups: record(['a', 'b'], nullable(count)),
  rest: any('object', 'null'),
});
const good = {
  name: 'x-y',
  clients: 3,
  total: '123456789012345678901',
  buckets: [[1, 2]],
  groups: { a: 1, b: null },
  rest: null,
};

describe('shapeProblem', () => {
  it('accepts a value of the shape', () => {
    expect(shapeProblem(good, shape, '')).toBeNull();
  });

  it.each([
    [{ ...good, name: '../x' }, 'name: expected a string matching ^[a-z-]+$, got string "../x"'],
    [{ ...good, clients: 11 }, 'clients: expected a whole number from 1 to 10, got number 11'],
    [{ ...good, clients: 1.5 }, 'clients: expected a whole number from 1 to 10, got number 1.5'],
    [
      { ...good, total: '12a' },
      'total: expected a sum (a whole number from 0, or a string of decimal digits), got string "12a"',
    ],
    [
      { ...good, buckets: [[1, -2]] },
      'buckets[0][1]: expected a whole number from 0 to 9007199254740991, got number -2',
    ],
    [{ ...good, buckets: [[1], [2]] }, 'buckets[0]: expected an array of 2 entries, got array [1]'],
    [
      {
        ...good,
        buckets: [
          [1, 1],
          [1, 1],
          [1, 1],
          [1, 1],
        ],
      },
      'buckets: expected at most 3 entries, got 4',
    ],
    [{ ...good, groups: { a: 1 } }, 'groups.b: missing'],
    [{ ...good, groups: { a: 1, b: 2, c: 3 } }, 'groups.c: not a field of this report'],
    [{ ...good, rest: [] }, 'rest: expected object or null, got array []'],
    ['x', 'the report: expected an object, got string "x"'],
  ])('names the first field that does not fit: %j', (value, problem) => {
    expect(shapeProblem(value, shape, '')).toBe(problem);
  });
});

describe('firstDifference', () => {
  it('names the first path where two values differ, or null', () => {
    expect(firstDifference(good, structuredClone(good), '')).toBeNull();
    expect(firstDifference({ ...good, groups: { a: 2, b: null } }, good, '')).toBe(
      'groups.a: number 2 in the file, number 1 expected',
    );
    expect(firstDifference({ ...good, buckets: [] }, good, '')).toBe('buckets: 0 entries in the file, 1 expected');
  });
});
