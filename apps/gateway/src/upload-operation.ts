import { Kind, OperationTypeNode, parse, type OperationDefinitionNode } from 'graphql';

/** The only operation that may carry a file: what the pass-through forwards without planning. */
export const UPLOAD_MUTATION_FIELD = 'importVitals';

export interface UploadOperation {
  /** The operation's name, for metrics: the operationName sent, else the one in the query; null when anonymous or unreadable. */
  name: string | null;
  /** Why the request may not pass, or null when it is a single importVitals mutation. */
  refusal: string | null;
}

/**
 * Reads the `operations` field of a multipart request once: one operation (no batch), a
 * mutation whose only root field is importVitals, may pass.
 */
export function readUploadOperation(operationsField: string): UploadOperation {
  let operations: unknown;
  try {
    operations = JSON.parse(operationsField);
  } catch {
    return { name: null, refusal: 'the "operations" field of the multipart request is not JSON' };
  }
  if (Array.isArray(operations)) {
    return { name: null, refusal: 'batched operations cannot carry uploads: send one importVitals mutation per request' };
  }
  const { query, operationName } = (operations ?? {}) as { query?: unknown; operationName?: unknown };
  const sentName = typeof operationName === 'string' && operationName ? operationName : null;
  if (typeof query !== 'string') return { name: sentName, refusal: 'the "operations" field has no query' };
  let operationsInDocument: OperationDefinitionNode[];
  try {
    operationsInDocument = parse(query).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
  } catch (error) {
    return { name: sentName, refusal: `the query does not parse: ${error instanceof Error ? error.message : String(error)}` };
  }
  const [operation, ...others] = operationsInDocument;
  const fields = operation?.selectionSet.selections ?? [];
  const onlyImport =
    operation?.operation === OperationTypeNode.MUTATION &&
    others.length === 0 &&
    fields.length === 1 &&
    fields[0]?.kind === Kind.FIELD &&
    fields[0].name.value === UPLOAD_MUTATION_FIELD;
  return {
    name: sentName ?? operation?.name?.value ?? null,
    refusal: onlyImport ? null : `file uploads are accepted only for a single ${UPLOAD_MUTATION_FIELD} mutation`,
  };
}
