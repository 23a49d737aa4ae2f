/** The names of the subgraphs a composed supergraph routes to. */
export function subgraphNamesIn(supergraphSdl: string): string[] {
  return [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((match) => match[1] as string);
}

/** Ready when every subgraph it routes to says it is: without them the gateway can only return errors. */
export async function checkSubgraphsReady(subgraphUrls: Record<string, string>): Promise<void> {
  const failures: string[] = [];
  await Promise.all(
    Object.entries(subgraphUrls).map(async ([name, url]) => {
      try {
        const response = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(3_000) });
        if (!response.ok) failures.push(`${name} answered ${response.status}`);
      } catch (error) {
        failures.push(`${name} unreachable (${error instanceof Error ? error.message : String(error)})`);
      }
    }),
  );
  if (failures.length > 0) throw new Error(failures.join('; '));
}
