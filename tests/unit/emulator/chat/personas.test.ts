import { strict as assert } from 'node:assert';
import { playgroundConfig, PERSONA_PORTS, type PersonaName } from '../../../../emulator/chat/personas';
import { DEMO_USERS } from '../../../../emulator/tenant/demoTenant';

describe('Playground personas', () => {
  for (const persona of Object.keys(PERSONA_PORTS) as PersonaName[]) {
    it(`${persona}: signed in as the demo user, five other users, every value a quoted string`, () => {
      const yaml = playgroundConfig(persona);
      const ids = [...yaml.matchAll(/aadObjectId: "([0-9a-f-]+)"/g)].map((m) => m[1]);
      assert.equal(ids[0], DEMO_USERS[persona].id);
      assert.equal(ids.length, 6);
      assert.equal(new Set(ids).size, 6, 'no user listed twice');
      for (const line of yaml.split('\n').filter((l) => /^\s*(- )?\w+: \S/.test(l))) {
        assert.match(line, /: "/, `unquoted value: ${line}`);
      }
    });
  }

  it('fixed, distinct ports', () => {
    const ports = Object.values(PERSONA_PORTS);
    assert.equal(new Set(ports).size, ports.length);
  });
});
