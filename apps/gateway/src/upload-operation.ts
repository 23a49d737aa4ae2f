import { Kind, parse, type OperationDefinitionNode } from 'graphql';

/** The only operation that may carry a file: what the pass-through forwards without planning. */
export const UPLOAD_MUTATION_FIELD = 'importVitals';

/**
 * Checks the `operations` field of a multipart request: one operation (no batch), a mutation
 * whose only root field is importVitals. Returns a reason to refuse, or null when it may pass.
 */
export function refuseUploadOperation(operationsField: string): string | null {
  let operations: unknown;
  try {
    operations = JSON.parse(operationsField);
  } catch {
    return 'the "operations" field of the multipart request is not JSON';
  }
  if (Array.isArray(operations)) return 'batched operations cannot carry uploads: send one importVitals mutation per request';
  const query = (operations as { query?: unknown } | null)?.query;
  if (typeof query !== 'string') return 'the "operations" field has no query';
  let operationsInDocument: OperationDefinitionNode[];
  try {
    operationsInDocument = parse(query).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
  } catch (error) {
    return `the query does not parse: ${error instanceof Error ? error.message : String(error)}`;
  }
  const [operation, ...others] = operationsInDocument;
  const fields = operation?.selectionSet.selections ?? [];
  const onlyImport =
    operation?.operation === 'mutation' &&
    others.length === 0 &&
    fields.length === 1 &&
    fields[0]?.kind === Kind.FIELD &&
    fields[0].name.value === UPLOAD_MUTATION_FIELD;
  return onlyImport ? null : `file uploads are accepted only for a single ${UPLOAD_MUTATION_FIELD} mutation`;
}

/** The name of the operation a multipart request carries, for metrics; null when anonymous or unreadable. */
export function uploadOperationName(operationsField: string): string | null {
  try {
    const operations = JSON.parse(operationsField) as { operationName?: unknown; query?: unknown } | null;
    if (typeof operations?.operationName === 'string' && operations.operationName) return operations.operationName;
    if (typeof operations?.query !== 'string') return null;
    const operation = parse(operations.query).definitions.find(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
    return operation?.name?.value ?? null;
  } catch {
    return null;
  }
}
