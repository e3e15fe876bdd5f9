// One Azurite for a describe block: started in its before hook on a fresh folder, stopped and
// removed in its after hook. Call inside describe(); read the running instance from the getter.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from '../../emulator/storage/azurite';

export function useAzurite(prefix: string): () => RunningAzurite {
  let azurite: RunningAzurite | undefined;
  let dir: string | undefined;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), `pimbot-${prefix}-`));
    azurite = await startAzurite({ location: dir });
  });
  after(async () => {
    await azurite?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!azurite) throw new Error('Azurite is not running: useAzurite() must be called inside describe()');
    return azurite;
  };
}
