/**
 * Polls `probe` until it returns something truthy, and returns that; throws naming `what`
 * after `timeoutMs`. For states another process reaches in its own time (a row written, a
 * status changed), where a fixed sleep would be either flaky or slow.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
