// Where suites register their tests (`test('name', fn)`); the runner reads the list after the suites load.

/** A test body; the runner awaits what it returns (a promise for an async test). */
export type TestFn = () => unknown;

export interface RegisteredTest {
  name: string;
  fn: TestFn;
  timeoutMs: number;
}

const registered: RegisteredTest[] = [];
const suiteStack: string[] = [];

/** Groups tests under a name prefix ("activation: ..."). */
export function suite(name: string, body: () => void): void {
  suiteStack.push(name);
  try {
    body();
  } finally {
    suiteStack.pop();
  }
}

/** Registers one test; it fails when it throws, rejects or runs past its timeout. */
export function test(name: string, fn: TestFn, timeoutMs = 30_000): void {
  registered.push({ name: [...suiteStack, name].join(': '), fn, timeoutMs });
}

export function registeredTests(): readonly RegisteredTest[] {
  return registered;
}
