import { BadUserInputError } from './errors.js';

export interface Connection<Node> {
  edges: Array<{ cursor: string; node: Node }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
  totalCount: number;
}

/** Checks a `first` argument against the list's cap and says what is allowed when it is not. */
export function checkPageSize(first: number | null | undefined, defaultSize: number, maxSize: number): number {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 0 || size > maxSize) {
    throw new BadUserInputError(`"first" must be between 0 and ${maxSize}, got ${size}`, { field: 'first' });
  }
  return size;
}

/**
 * Builds a connection from rows fetched with `limit = first + 1`: the extra row only tells
 * whether another page exists, and is not returned.
 */
export function toConnection<Row, Node = Row>(options: {
  rows: Row[];
  first: number;
  totalCount: number;
  hasPreviousPage: boolean;
  cursorOf: (row: Row) => string;
  toNode?: (row: Row) => Node;
}): Connection<Node> {
  const page = options.rows.slice(0, options.first);
  const edges = page.map((row) => ({
    cursor: options.cursorOf(row),
    node: options.toNode ? options.toNode(row) : (row as unknown as Node),
  }));
  return {
    edges,
    totalCount: options.totalCount,
    pageInfo: {
      hasNextPage: options.rows.length > options.first,
      hasPreviousPage: options.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
