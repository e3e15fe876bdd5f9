import assert from 'node:assert/strict';
import { parseCommand } from '../../../../dialogs/parsing/command';
import { parseDuration } from '../../../../dialogs/parsing/duration';
import { matchName } from '../../../../dialogs/parsing/resolve';

describe('parseDuration', () => {
  const table: Array<[string, number | null]> = [
    ['2h', 120],
    ['2 h', 120],
    ['2 hours', 120],
    ['1 hour', 60],
    ['90 minutes', 90],
    ['90 min', 90],
    ['90m', 90],
    ['45m', 45],
    ['45 mins', 45],
    ['1h30m', 90],
    ['1h 30m', 90],
    ['1 hour 30 minutes', 90],
    ['1 hour and 30 minutes', 90],
    ['1.5 hours', 90],
    ['1,5 h', 90],
    ['0.25h', 15],
    ['1:30', 90],
    ['  2H  ', 120],
    ['for 2 hours', 120],
    ['two hours', 120],
    ['an hour and a half', 90],
    ['half an hour', 30],
    ['1 day', 1440],
    ['', null],
    ['banana', null],
    ['90', null],
    ['2', null],
    ['h', null],
    ['2 pm', null],
    ['2h please', null],
    ['-2h', null],
    ['0m', null],
    ['0.001h', null],
    ['99999999h', null],
    ['2h'.repeat(60), null],
  ];
  for (const [input, expected] of table) {
    it(`"${input.length > 20 ? `${input.slice(0, 20)}...` : input}" → ${expected ?? 'not a duration'}`, () => {
      assert.equal(parseDuration(input), expected);
    });
  }
});

describe('parseCommand', () => {
  const table: Array<[string, ReturnType<typeof parseCommand>]> = [
    ['hi', { kind: 'welcome' }],
    ['Hello!', { kind: 'welcome' }],
    ['help', { kind: 'welcome' }],
    ['activate', { kind: 'activate' }],
    ['Activate Global Reader', { kind: 'activate', roleName: 'Global Reader' }],
    ['actvate Global Reader', { kind: 'activate', roleName: 'Global Reader' }],
    ['deactivate reader', { kind: 'deactivate', roleName: 'reader' }],
    ['extend the reader', { kind: 'extend', roleName: 'reader' }],
    ['my requests', { kind: 'myRoles' }],
    ['activate the user administrator role', { kind: 'activate', roleName: 'user administrator role' }],
    ['my roles', { kind: 'myRoles' }],
    ['My access', { kind: 'myRoles' }],
    ['cancel', { kind: 'cancel' }],
    ['what is the weather', { kind: 'unknown' }],
    ['activated', { kind: 'activate' }],
    ['activities', { kind: 'unknown' }],
  ];
  for (const [input, expected] of table) {
    it(`"${input}" → ${expected.kind}`, () => assert.deepEqual(parseCommand(input), expected));
  }
});

describe('matchName', () => {
  const roles = [
    { key: 'a', name: 'Global Reader', roleName: 'Global Reader', scopeName: 'Directory' },
    { key: 'b', name: 'User Administrator', roleName: 'User Administrator', scopeName: 'Directory' },
    { key: 'c', name: 'Security Administrator', roleName: 'Security Administrator', scopeName: 'Directory' },
  ];
  it('matches exact names regardless of case and spacing', () => {
    assert.deepEqual(matchName('  global   READER ', roles), { kind: 'one', choice: roles[0] });
  });
  it('matches a position in the list', () => {
    assert.deepEqual(matchName('2', roles), { kind: 'one', choice: roles[1] });
    assert.equal(matchName('4', roles).kind, 'none');
  });
  it('matches a unique prefix or part of a name', () => {
    assert.deepEqual(matchName('secur', roles), { kind: 'one', choice: roles[2] });
  });
  it('reports several matches instead of guessing', () => {
    assert.equal(matchName('administrator', roles).kind, 'many');
  });
  it('tolerates a typo when one name is clearly nearest', () => {
    assert.deepEqual(matchName('globl raeder', roles), { kind: 'one', choice: roles[0] });
  });
  it('never auto-picks between two equally close names', () => {
    const result = matchName('usr administrator', [
      ...roles,
      { key: 'd', name: 'Usr Administratr', roleName: 'Usr Administratr', scopeName: 'Directory' },
    ]);
    assert.equal(result.kind, 'many');
  });
  it('finds nothing outside the list, and offers the closest', () => {
    const result = matchName('Global Administrator', roles);
    assert.equal(result.kind, 'none');
    assert.ok(result.kind === 'none' && result.closest.length > 0);
    assert.equal(matchName('', roles).kind, 'none');
  });
});
