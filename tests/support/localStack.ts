// The local stack (emulator/stack/localStack.ts) as a mocha fixture: started in the suite's before
// hook, stopped in its after hook. Call inside describe(); read the running stack from the getter.
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../emulator/stack/localStack';

export function localStackPerSuite(options: LocalStackOptions): () => LocalStack {
  let stack: LocalStack | undefined;
  before(async () => {
    stack = await startLocalStack(options);
  });
  after(async () => stack?.stop());
  return () => {
    if (!stack) throw new Error("the local stack starts in the suite's before hook: call localStackPerSuite() inside describe()");
    return stack;
  };
}
