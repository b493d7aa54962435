// Polling waits for tests against real servers: resolve once a condition holds, fail naming what never happened.

/** Resolves with the ms it took once `check` holds (it may ask a server); throws `<what>: not within N ms` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return Date.now() - t0;
}
