import assert from 'node:assert/strict';
import { GraphError } from '../../../../../emulator/tenant/graph/errors';
import { evaluateFilter, requiredEqualities, validateFilter, type PropertySchema } from '../../../../../emulator/tenant/odata/evaluate';
import { parseFilter } from '../../../../../emulator/tenant/odata/filter';
import { parseExpand, parseQuery, COLLECTION_OPTIONS } from '../../../../../emulator/tenant/odata/query';
import { selectionSuffix } from '../../../../../emulator/tenant/odata/collection';

const SCHEMA: PropertySchema = {
  id: 'string',
  principalId: 'string',
  status: 'enum',
  isBuiltIn: 'boolean',
  count: 'number',
  startDateTime: 'datetime',
  'createdBy/user/id': 'string',
};
const TYPE = 'testEntity';

function matches(filter: string, entity: Record<string, unknown>): boolean {
  const expr = parseFilter(filter);
  validateFilter(expr, SCHEMA, TYPE);
  return evaluateFilter(expr, entity, SCHEMA, TYPE);
}

function rejects(filter: string, pattern?: RegExp): void {
  assert.throws(
    () => {
      const expr = parseFilter(filter);
      validateFilter(expr, SCHEMA, TYPE);
    },
    (e: unknown) => {
      assert.ok(e instanceof GraphError, String(e));
      assert.equal(e.status, 400);
      if (pattern) assert.match(e.message, pattern);
      return true;
    },
    filter,
  );
}

describe('emulator OData $filter', () => {
  const e = {
    id: 'a1',
    principalId: '0A11CE00-0000-4000-8000-000000000001',
    status: 'PendingApproval',
    isBuiltIn: true,
    count: 3,
    startDateTime: '2024-01-01T00:00:00Z',
    createdBy: { user: { id: 'u1' } },
  };

  it('evaluates eq, ne, and, or, not, in and parentheses', () => {
    assert.ok(matches("status eq 'pendingapproval'", e));
    assert.ok(matches("status ne 'Provisioned' and isBuiltIn eq true", e));
    assert.ok(matches("(id eq 'x' or id eq 'a1') and not (count gt 5)", e));
    assert.ok(matches("id in ('x', 'a1')", e));
    assert.ok(!matches("id in ('x')", e));
    assert.ok(matches('count ge 3 and count lt 4', e));
    assert.ok(matches('startDateTime lt 2024-06-01T00:00:00Z', e));
    assert.ok(matches("createdBy/user/id eq 'u1'", e));
    assert.ok(matches("startswith(status, 'Pending')", e));
    assert.ok(matches('isBuiltIn', e));
  });

  it('reads guids bare or quoted, compares case-insensitively, and unescapes doubled quotes', () => {
    assert.ok(matches('principalId eq 0a11ce00-0000-4000-8000-000000000001', e));
    assert.ok(matches("principalId eq '0a11ce00-0000-4000-8000-000000000001'", e));
    assert.ok(matches("id eq 'O''Brien'", { ...e, id: "O'Brien" }));
  });

  it('finds the required equalities of the top-level and chain', () => {
    const eq = requiredEqualities(parseFilter("id eq 'x' and (status eq 'a' or status eq 'b') and count eq 2"), SCHEMA, TYPE);
    assert.deepEqual(
      [...eq.entries()],
      [
        ['id', 'x'],
        ['count', 2],
      ],
    );
  });

  describe('hostile and malformed input is a 400, never a full list', () => {
    const cases: [string, RegExp?][] = [
      ["' or 1 eq 1", /unterminated|Syntax/],
      ["id eq 'x' or 1 eq 1", /property and a literal/],
      ['1 eq 1', /property and a literal/],
      ["id eq 'unbalanced", /unterminated string literal/],
      ["(id eq 'x'", /'\)' expected/],
      ["id eq 'x')", /unexpected/],
      ["contains(id, 'x')", /unknown function with name 'contains'/],
      ["any(id eq 'x')", /unknown function/],
      ["nosuch eq 'x'", /Could not find a property named 'nosuch'/],
      ["createdBy/user/name eq 'x'", /Could not find a property/],
      ['id eq 5', /incompatible types/],
      ["count eq '5'", /incompatible types/],
      ["id eq 'x' and", /operand expected/],
      ["id like 'x'", /unknown operator/],
      ["id eq 'x'; drop table", /not valid|Syntax/],
      ['id eq id', /property and a literal/],
      ['', /must not be empty/],
      ['isBuiltIn gt true'],
      ['count', /boolean/],
      [`${'('.repeat(100)}id eq 'x'${')'.repeat(100)}`, /nested too deeply/],
      [`id eq '${'x'.repeat(5000)}'`, /longer than/],
    ];
    for (const [filter, pattern] of cases)
      it(JSON.stringify(filter.length > 60 ? `${filter.slice(0, 60)}…` : filter), () => rejects(filter, pattern));
  });
});

describe('emulator OData query options', () => {
  it('parses $select, nested $expand, $top and keeps the options for the next link', () => {
    const q = parseQuery(
      '$select=id,status&$expand=policy($expand=rules($select=id))&$top=5&$filter=id%20eq%20%27x%27',
      COLLECTION_OPTIONS,
    );
    assert.deepEqual(q.select, ['id', 'status']);
    assert.deepEqual(q.expand, [{ name: 'policy', select: undefined, expand: [{ name: 'rules', select: ['id'], expand: [] }] }]);
    assert.equal(q.top, 5);
    assert.equal(q.carriedQuery.length, 4);
    assert.equal(selectionSuffix(undefined, q.expand), '(policy(rules(id)))');
    assert.equal(selectionSuffix(['principalId'], parseExpand('roleDefinition,principal')), '(principalId,roleDefinition(),principal())');
  });

  for (const raw of [
    '$fitler=x',
    'filter=x',
    '$search=x',
    '$top=0',
    '$top=-1',
    '$top=abc',
    '$top=1000',
    '$select=',
    '$select=a b',
    '$expand=*',
    '$expand=policy(',
    '$expand=policy($filter=x)',
    '$count=maybe',
    '$filter=%E0%A4%A',
    '$filter=a&$FILTER=b',
    '$skiptoken=',
  ]) {
    it(`rejects ${raw}`, () => assert.throws(() => parseQuery(raw, COLLECTION_OPTIONS), GraphError));
  }
});
