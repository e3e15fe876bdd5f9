import assert from 'node:assert/strict';
import { isJsonContentType } from '../../../../bot/http/jsonBody';
import { checkLocalRequest, isLoopbackHost } from '../../../../bot/http/localOnly';

describe('HTTP edge rules', () => {
  it('takes application/json with an optional UTF-8 charset, and nothing else', () => {
    for (const ok of [
      'application/json',
      'Application/JSON',
      'application/json; charset=utf-8',
      'application/json;charset="UTF-8"',
      'application/json; charset=utf8',
      'application/json;',
    ]) {
      assert.equal(isJsonContentType(ok), true, ok);
    }
    for (const no of [
      undefined,
      '',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
      'application/json; boundary=x',
      'application/jsonp',
      'application/json-patch+json',
      'text/json',
      'application/json, text/plain',
    ]) {
      assert.equal(isJsonContentType(no), false, String(no));
    }
  });

  it("knows the loopback host names, with the bot's port or none", () => {
    for (const ok of ['localhost:3978', '127.0.0.1:3978', '[::1]:3978', 'LocalHost:3978', 'localhost', '127.0.0.1'])
      assert.equal(isLoopbackHost(ok, 3978), true, ok);
    for (const no of [
      undefined,
      '',
      'evil.example:3978',
      'localhost.evil.example:3978',
      '127.0.0.1.nip.io:3978',
      'localhost:3979',
      '[::1]:80',
      '0.0.0.0:3978',
      '192.168.0.2:3978',
      '[::ffff:127.0.0.1]:3978',
      'localhost:3978:1',
      'user@localhost:3978',
      'localhost:99999',
    ]) {
      assert.equal(isLoopbackHost(no, 3978), false, String(no));
    }
  });

  it('refuses what only a browser sends, and lets a navigation through', () => {
    const host = 'localhost:3978';
    assert.equal(checkLocalRequest({ host }, 3978).ok, true);
    assert.equal(checkLocalRequest({ host, 'sec-fetch-mode': 'cors' }, 3978).ok, true, "Node's fetch sends sec-fetch-mode only");
    assert.equal(checkLocalRequest({ host, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }, 3978).ok, true);
    assert.equal(
      checkLocalRequest({ host, 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' }, 3978).ok,
      true,
      'typed into the address bar',
    );
    assert.equal(checkLocalRequest({ host, origin: 'null' }, 3978).ok, false);
    assert.equal(checkLocalRequest({ host, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }, 3978).ok, false);
    assert.equal(
      checkLocalRequest({ host, 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' }, 3978).ok,
      false,
      'another port of localhost is another origin',
    );
    assert.equal(checkLocalRequest({}, 3978).ok, false, 'no Host at all');
  });
});
