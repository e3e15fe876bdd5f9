// The bot's HTTP edge over real HTTP, against the real bot in its own process (local mode; emulator,
// Azurite and a recording connector as the channel): only JSON bodies are read (415 for anything
// else, 413 over the cap however the body is sent, 400 for malformed JSON), nothing is ever written
// to the temp folder (the child's TMPDIR is a fresh folder, checked at the end), and local mode
// answers only this machine's channels: no request from a web page (Origin, Sec-Fetch-Site) and
// none addressed to another host name (DNS rebinding), while a browser may still navigate to the
// sign-in callback.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { useAzurite } from '../../support/azurite';
import { startBotProcess, type BotProcess } from '../../../emulator/stack/botProcess';
import { localBotEnv } from '../../../emulator/stack/localBotEnv';
import { startRecordingConnector, type RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { startTestTenant } from '../../../emulator/stack/tenant';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

const CAP = 256 * 1024;

interface Answer {
  readonly status: number;
  readonly body: string;
  /** An endless body: the answer came while it was still being sent. */
  readonly beforeBodyEnded: boolean;
}

interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  /** A body sent in one piece (with Content-Length unless the headers say chunked). */
  readonly body?: string | Buffer;
  /** A chunked body that keeps coming until the server answers (or 64 MB went out). */
  readonly endless?: Buffer;
}

describe('HTTP edge of the bot (real bot process, local mode)', function () {
  this.timeout(90_000);
  const azurite = useAzurite('edge');
  let tenant: Tenant;
  let connector: RecordingConnector;
  let bot: BotProcess;
  let botTmp: string;

  before(async () => {
    botTmp = mkdtempSync(path.join(tmpdir(), 'pimbot-edge-tmp-'));
    [tenant, connector] = await Promise.all([startTestTenant(), startRecordingConnector()]);
    bot = await startBotProcess({
      env: {
        ...localBotEnv(tenant, azurite().connectionString, `edge-${randomUUID().slice(0, 8)}`),
        TMPDIR: botTmp,
        TMP: botTmp,
        TEMP: botTmp,
        // tsx (which runs the child's TypeScript) would otherwise keep its compile cache there.
        TSX_DISABLE_CACHE: '1',
      },
    });
  });

  after(async () => {
    await bot?.stop();
    await Promise.all([tenant?.close(), connector?.close()]);
    if (botTmp) rmSync(botTmp, { recursive: true, force: true });
  });

  /** One request over node:http, so the test controls every header and how the body goes out. */
  function send(r: RawRequest): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { host: `127.0.0.1:${bot.port}`, ...r.headers };
      if (r.body !== undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
      let answered = false;
      let ended = false;
      const req = request(
        { host: '127.0.0.1', port: bot.port, method: r.method ?? 'POST', path: r.path ?? '/api/messages', headers, setHost: false },
        (res) => {
          answered = true;
          const beforeBodyEnded = !ended;
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, beforeBodyEnded }));
          res.on('error', reject);
        },
      );
      // Writing on after the server answered and closed is expected; no answer at all is status 0.
      req.on(
        'error',
        (error) =>
          void (answered || resolve({ status: 0, body: JSON.stringify({ error: `no answer: ${error.message}` }), beforeBodyEnded: false })),
      );
      if (r.endless) {
        let sent = 0;
        const pump = (): void => {
          while (!answered && sent < 64 * 1024 * 1024) {
            sent += r.endless!.length;
            if (!req.write(r.endless!)) return void req.once('drain', pump);
          }
          ended = true;
          req.end();
        };
        pump();
      } else {
        ended = true;
        req.end(r.body);
      }
    });
  }

  function activity(text: string): Record<string, unknown> {
    return {
      type: 'message',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      conversation: { id: `a:${randomUUID()}`, conversationType: 'personal', tenantId: tenant.tenantId },
      from: { id: '29:alice', name: DEMO_USERS.alice.displayName, aadObjectId: DEMO_USERS.alice.id },
      recipient: { id: '28:pim-bot', name: 'PIM Bot' },
      locale: 'en-US',
      text,
    };
  }

  function multipart(parts: ReadonlyArray<{ name: string; filename?: string; data: string | Buffer }>): { boundary: string; body: Buffer } {
    const boundary = `----edge${randomUUID().replace(/-/g, '')}`;
    const pieces: Buffer[] = [];
    for (const part of parts) {
      const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
      const type = part.filename ? 'Content-Type: application/octet-stream\r\n' : '';
      pieces.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`),
        Buffer.from(part.data),
        Buffer.from('\r\n'),
      );
    }
    pieces.push(Buffer.from(`--${boundary}--\r\n`));
    return { boundary, body: Buffer.concat(pieces) };
  }

  function filesUnder(dir: string): string[] {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
  }

  it('reads JSON only: every other body gets 415 and leaves nothing in the temp folder', async () => {
    const small = multipart([{ name: 'file', filename: 'note.txt', data: 'hello' }]);
    const big = multipart([{ name: 'upload', filename: 'big.bin', data: Buffer.alloc(2 * 1024 * 1024, 0x61) }]);
    const fieldsOnly = multipart([
      { name: 'text', data: 'activate global reader' },
      { name: 'type', data: 'message' },
    ]);
    const activityJson = JSON.stringify(activity('hi'));
    const cases: Array<[string, RawRequest]> = [
      ['multipart with a small file', { headers: { 'content-type': `multipart/form-data; boundary=${small.boundary}` }, body: small.body }],
      ['multipart with a 2 MB file', { headers: { 'content-type': `multipart/form-data; boundary=${big.boundary}` }, body: big.body }],
      [
        'multipart with fields only',
        { headers: { 'content-type': `multipart/form-data; boundary=${fieldsOnly.boundary}` }, body: fieldsOnly.body },
      ],
      ['multipart/mixed', { headers: { 'content-type': `multipart/mixed; boundary=${small.boundary}` }, body: small.body }],
      ['a urlencoded form', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'type=message&text=hi' }],
      ['text/plain holding JSON (what a cross-site form can send)', { headers: { 'content-type': 'text/plain' }, body: activityJson }],
      ['no content type', { body: activityJson }],
      ['JSON in another charset', { headers: { 'content-type': 'application/json; charset=iso-8859-1' }, body: activityJson }],
      ['a JSON-like type', { headers: { 'content-type': 'application/json-patch+json' }, body: activityJson }],
      ['a compressed JSON body', { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: activityJson }],
      [
        'chunked multipart that never ends',
        { headers: { 'content-type': `multipart/form-data; boundary=${big.boundary}`, 'transfer-encoding': 'chunked' }, endless: big.body },
      ],
    ];
    const mark = connector.activities.length;
    const answers: Array<[string, Answer]> = [];
    for (const [what, r] of cases) answers.push([what, await send(r)]);
    // First what an upload leaves behind (the bot would have parsed multipart to temp files), then the answers.
    assert.deepEqual(filesUnder(botTmp), [], 'nothing written to the temp folder');
    for (const [what, answer] of answers) {
      assert.equal(answer.status, 415, `${what}: ${answer.status} ${answer.body}`);
      assert.match(JSON.parse(answer.body).error, /must be JSON|must not be compressed/, what);
    }
    assert.equal(connector.activities.length, mark, 'nothing reached the bot');
  });

  it('applies the size cap to every body, declared or chunked, without waiting for its end', async () => {
    const oversized = JSON.stringify({ ...activity('x'), text: 'x'.repeat(CAP) });
    const cases: Array<[string, RawRequest]> = [
      ['JSON over the cap with its length', { headers: { 'content-type': 'application/json' }, body: oversized }],
      [
        'a declared length of 1 GB, body not sent',
        { headers: { 'content-type': 'application/json', 'content-length': String(1024 ** 3) }, endless: Buffer.alloc(64 * 1024, 0x20) },
      ],
      ['chunked JSON over the cap', { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: oversized }],
      [
        'chunked JSON that never ends',
        {
          headers: { 'content-type': 'application/json; charset=utf-8', 'transfer-encoding': 'chunked' },
          endless: Buffer.from(`{"text":"${'y'.repeat(64 * 1024)}`),
        },
      ],
    ];
    for (const [what, r] of cases) {
      const answer = await send(r);
      assert.equal(answer.status, 413, `${what}: ${answer.status} ${answer.body}`);
      assert.equal(JSON.parse(answer.body).error, 'the body is larger than 256 KB', what);
      if (r.endless) assert.ok(answer.beforeBodyEnded, `${what}: answered without reading to the end`);
    }
    assert.deepEqual(filesUnder(botTmp), [], 'nothing written to the temp folder');
  });

  it('answers malformed JSON with 400 and a plain error, and still serves a JSON activity, chunked or not', async () => {
    for (const body of ['{"type": "message",', '\u00ff not json', 'undefined', '{"a":1}{"b":2}']) {
      const answer = await send({ headers: { 'content-type': 'application/json' }, body });
      assert.equal(answer.status, 400, `${JSON.stringify(body)} → ${answer.status}`);
      assert.deepEqual(JSON.parse(answer.body), { error: 'the body is not valid JSON' });
    }
    const invalidUtf8 = await send({
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    assert.deepEqual([invalidUtf8.status, JSON.parse(invalidUtf8.body)], [400, { error: 'the body is not valid UTF-8' }]);

    for (const [contentType, chunked] of [
      ['application/json', false],
      ['Application/JSON; Charset="UTF-8"', true],
    ] as const) {
      const mark = connector.activities.length;
      const hi = activity('hi');
      const answer = await send({
        headers: { 'content-type': contentType, ...(chunked ? { 'transfer-encoding': 'chunked' } : {}) },
        body: JSON.stringify(hi),
      });
      assert.equal(answer.status, 200, `${contentType}: ${answer.status} ${answer.body}`);
      assert.ok(
        connector.since(mark).some((r) => r.targetActivityId === hi['id']),
        'the bot answered the activity',
      );
    }
    assert.deepEqual(filesUnder(botTmp), [], 'nothing written to the temp folder');
  });

  it('in local mode refuses what a web page can send: an Origin, a cross-site subresource, another host name', async () => {
    const mark = connector.activities.length;
    const json = { 'content-type': 'application/json' };
    const refused: Array<[string, RawRequest]> = [
      [
        'a cross-site form post',
        {
          headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
          body: JSON.stringify(activity('activate global reader')),
        },
      ],
      ['a cross-site fetch with JSON', { headers: { ...json, origin: 'https://evil.example' }, body: JSON.stringify(activity('hi')) }],
      [
        'a page on this machine (Origin: localhost)',
        { headers: { ...json, origin: `http://localhost:${bot.port}` }, body: JSON.stringify(activity('hi')) },
      ],
      ['an opaque origin (sandboxed page, redirect)', { headers: { ...json, origin: 'null' }, body: JSON.stringify(activity('hi')) }],
      [
        'DNS rebinding: a name the attacker controls resolving to 127.0.0.1',
        { headers: { ...json, host: `rebind.evil.example:${bot.port}` }, body: JSON.stringify(activity('hi')) },
      ],
      [
        'another port on localhost (a proxy the page reaches)',
        { headers: { ...json, host: `localhost:${bot.port + 1}` }, body: JSON.stringify(activity('hi')) },
      ],
      ['a LAN address', { headers: { ...json, host: `192.168.1.20:${bot.port}` }, body: JSON.stringify(activity('hi')) }],
      [
        'an image or script tag (no Origin on a GET)',
        {
          method: 'GET',
          path: '/readyz',
          headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
        },
      ],
      [
        'a cross-site GET via fetch',
        {
          method: 'GET',
          path: '/healthz',
          headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' },
        },
      ],
      [
        'the callback fetched by a page',
        { method: 'GET', path: `/auth/callback?state=${'a'.repeat(32)}&code=x`, headers: { origin: 'https://evil.example' } },
      ],
      ['a rebinding GET', { method: 'GET', path: '/healthz', headers: { host: 'evil.example' } }],
      [
        'a multipart upload from a page (refused before its body is read)',
        {
          headers: { origin: 'https://evil.example', 'content-type': 'multipart/form-data; boundary=x' },
          body: '--x\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nA\r\n--x--\r\n',
        },
      ],
    ];
    for (const [what, r] of refused) {
      const answer = await send(r);
      assert.equal(answer.status, 403, `${what}: ${answer.status} ${answer.body}`);
      assert.match(JSON.parse(answer.body).error, /^in local mode the bot refuses/, what);
    }
    assert.equal(connector.activities.length, mark, 'no refused activity reached the bot');
    assert.deepEqual(filesUnder(botTmp), [], 'nothing written to the temp folder');
  });

  it('in local mode still serves this machine: loopback names, the Playground-style post, a browser navigating to the callback', async () => {
    for (const host of [`127.0.0.1:${bot.port}`, `localhost:${bot.port}`, `LOCALHOST:${bot.port}`, `[::1]:${bot.port}`, 'localhost']) {
      const answer = await send({ method: 'GET', path: '/healthz', headers: { host } });
      assert.equal(answer.status, 200, `Host: ${host} → ${answer.status} ${answer.body}`);
    }
    // What a Node channel (the Agents Playground's server, Node's fetch) sends: no Origin, no Sec-Fetch-Site.
    const mark = connector.activities.length;
    const hi = activity('hi');
    const posted = await fetch(`http://localhost:${bot.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(hi),
    });
    assert.equal(posted.status, 200, await posted.text());
    assert.ok(
      connector.since(mark).some((r) => r.targetActivityId === hi['id']),
      'the bot answered',
    );
    // The sign-in page sends the browser back with a redirect: a cross-site top-level navigation, no Origin.
    const callback = await send({
      method: 'GET',
      path: `/auth/callback?state=${'b'.repeat(32)}&code=abc`,
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', accept: 'text/html' },
    });
    assert.equal(callback.status, 400, 'the callback handler answered (an unknown state), not the edge');
    assert.match(callback.body, /This sign-in link has expired or was already used/);
  });
});
