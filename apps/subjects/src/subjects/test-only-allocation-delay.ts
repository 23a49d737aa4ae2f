/**
 * FOR TESTS ONLY: a pause between reading the last sequence of a study and inserting the next,
 * so a test can make an allocation outlive its lock's TTL and prove that the unique constraint
 * and the retry still prevent duplicates. It pauses the first attempt only: it plays a one-off
 * stall (a GC pause, a slow disk) that outlasts the lock, after which the retry runs at normal
 * speed, as it would in production. Zero (off) unless TEST_ONLY_ALLOCATION_DELAY_MS is set;
 * the configuration refuses it in production.
 */
let delayMs = 0;

export function setTestOnlyAllocationDelay(ms: number): void {
  delayMs = ms;
}

export async function testOnlyAllocationDelay(attempt: number): Promise<void> {
  if (delayMs > 0 && attempt === 1) await new Promise((resolve) => setTimeout(resolve, delayMs));
}
