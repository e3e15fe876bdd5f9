// The bot's Storage on Azurite through the real @azure/storage-blob client: BlobsStorage's blob
// names and eTag rules (so either reads what the other wrote), bodies with non-ASCII text, missing
// keys, deletes, and a container that does not exist yet.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { useAzurite } from '../../support/azurite';
import { BlobStateStorage, blobName } from '../../../services/store/blobStateStorage';
import { isETagConflict, updateItem } from '../../../services/store/keyValueStorage';

describe('BlobStateStorage on Azurite', function () {
  this.timeout(60_000);
  const azurite = useAzurite('state');
  const container = () => `state-${randomUUID().slice(0, 8)}`;

  it('reads and writes what BlobsStorage reads and writes, under the same blob names', async () => {
    const name = container();
    const mine = new BlobStateStorage(azurite().connectionString, name);
    const theirs = new BlobsStorage(azurite().connectionString, name);
    const key = 'msteams/conversations/a:1-é/x//y';
    await theirs.write({ [key]: { dialogState: { stack: ['activate'] }, eTag: '*' } });
    const read = (await mine.read([key]))[key] as { dialogState: unknown; eTag: string };
    assert.deepEqual(read.dialogState, { stack: ['activate'] });
    assert.match(read.eTag, /\S/);
    await mine.write({ [key]: { ...read, dialogState: { stack: [] } } });
    assert.deepEqual(((await theirs.read([key]))[key] as { dialogState: unknown }).dialogState, { stack: [] });
    assert.equal(blobName('a//b/'), encodeURIComponent('a/b'));
  });

  it('keeps non-ASCII text whole', async () => {
    const storage = new BlobStateStorage(azurite().connectionString, container());
    const text = 'Prüfung für 財務 🔐 — Zugriff';
    await storage.write({ k: { text } });
    assert.equal(((await storage.read(['k']))['k'] as { text: string }).text, text);
  });

  it('a write with a stale eTag is refused as an eTag conflict and changes nothing; "*" and "" overwrite', async () => {
    const storage = new BlobStateStorage(azurite().connectionString, container());
    await storage.write({ k: { v: 1 } });
    const first = (await storage.read(['k']))['k'] as { v: number; eTag: string };
    await storage.write({ k: { v: 2, eTag: first.eTag } });
    await assert.rejects(storage.write({ k: { v: 3, eTag: first.eTag } }), isETagConflict);
    assert.equal(((await storage.read(['k']))['k'] as { v: number }).v, 2);
    await assert.rejects(storage.write({ missing: { v: 1, eTag: first.eTag } }), isETagConflict);
    await storage.write({ k: { v: 4, eTag: '*' } });
    await storage.write({ k: { v: 5, eTag: '' } });
    assert.equal(((await storage.read(['k']))['k'] as { v: number }).v, 5);
  });

  it('writeItem reports the eTag now stored: a write with it succeeds, and fails once someone else wrote', async () => {
    const name = container();
    const mine = new BlobStateStorage(azurite().connectionString, name);
    const theirs = new BlobStateStorage(azurite().connectionString, name);
    const eTag = await mine.writeItem('k', { v: 1 });
    assert.equal(eTag, ((await theirs.read(['k']))['k'] as { eTag: string }).eTag);
    const next = await mine.writeItem('k', { v: 2, eTag });
    await theirs.write({ k: { v: 3, eTag: '*' } });
    await assert.rejects(mine.writeItem('k', { v: 4, eTag: next }), isETagConflict);
    assert.equal(((await theirs.read(['k']))['k'] as { v: number }).v, 3);
  });

  it('racing read-modify-writes from two clients lose no update', async () => {
    const name = container();
    const a = new BlobStateStorage(azurite().connectionString, name);
    const b = new BlobStateStorage(azurite().connectionString, name);
    await a.write({ counter: { n: 0 } });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => updateItem<{ n: number }>(i % 2 ? a : b, 'counter', (c) => ({ n: (c?.n ?? 0) + 1 }))),
    );
    assert.equal(((await a.read(['counter']))['counter'] as { n: number }).n, 10);
  });

  it('missing keys are absent, deletes are idempotent, and a new container is created on first use', async () => {
    const storage = new BlobStateStorage(azurite().connectionString, container());
    assert.deepEqual(await storage.read(['nothing', 'here']), {});
    await storage.write({ a: { v: 1 }, b: { v: 2 } });
    assert.deepEqual(Object.keys(await storage.read(['a', 'b', 'c'])).sort(), ['a', 'b']);
    await storage.delete(['a', 'never-written']);
    assert.deepEqual(Object.keys(await storage.read(['a', 'b'])), ['b']);
  });

  it('keys beyond its cache of blob clients still read, write and delete their own blobs', async () => {
    const storage = new BlobStateStorage(azurite().connectionString, container(), undefined, 2);
    const keys = ['one', 'two', 'three', 'four', 'five'];
    await storage.write(Object.fromEntries(keys.map((k, i) => [k, { v: i }])));
    for (const [i, k] of keys.entries()) assert.equal(((await storage.read([k]))[k] as { v: number }).v, i, k);
    await storage.write({ one: { v: 10 } });
    await storage.delete(['two']);
    const back = await storage.read(keys);
    assert.deepEqual(Object.fromEntries(Object.entries(back).map(([k, v]) => [k, (v as { v: number }).v])), {
      one: 10,
      three: 2,
      four: 3,
      five: 4,
    });
  });

  it('createIfAbsent (If-None-Match: *): of ten racing writers in two clients exactly one wins; a stale item is taken over by exactly one', async () => {
    const name = container();
    const a = new BlobStateStorage(azurite().connectionString, name);
    const b = new BlobStateStorage(azurite().connectionString, name);
    const wins = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).createIfAbsent('sso-exchanges/x', { createdAt: i })),
    );
    assert.equal(wins.filter(Boolean).length, 1);
    const winner = wins.indexOf(true);
    assert.equal(
      ((await a.read(['sso-exchanges/x']))['sso-exchanges/x'] as { createdAt: number }).createdAt,
      winner,
      "the winner's item is stored",
    );
    assert.equal(await a.createIfAbsent('sso-exchanges/x', { createdAt: 99 }, () => false), false, 'a fresh item is kept');
    const takeovers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? a : b).createIfAbsent('sso-exchanges/x', { createdAt: 100 + i }, (existing) => existing['createdAt'] === winner),
      ),
    );
    assert.equal(takeovers.filter(Boolean).length, 1, 'one writer takes a stale item over');
    await a.delete(['sso-exchanges/x']);
    assert.equal(await b.createIfAbsent('sso-exchanges/x', { createdAt: 200 }), true, 'a deleted item can be created again');
  });
});
