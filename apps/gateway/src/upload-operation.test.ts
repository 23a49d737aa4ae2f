import { describe, expect, it } from 'vitest';
import { readUploadOperation } from './upload-operation.js';

const refuseUploadOperation = (field: string) => readUploadOperation(field).refusal;
const uploadOperationName = (field: string) => readUploadOperation(field).name;

const operations = (query: string) => JSON.stringify({ query, variables: { file: null } });

describe('which multipart requests the gateway passes through to vitals', () => {
  it('passes a single importVitals mutation, aliased or not', () => {
    expect(refuseUploadOperation(operations('mutation($f: Upload!) { importVitals(studyId: "x", file: $f) { id } }'))).toBeNull();
    expect(refuseUploadOperation(operations('mutation($f: Upload!) { upload: importVitals(studyId: "x", file: $f) { id } }'))).toBeNull();
  });

  it.each([
    ['a query', '{ studies { id } }', 'file uploads are accepted only for a single importVitals mutation'],
    [
      'another mutation beside it',
      'mutation($f: Upload!) { importVitals(studyId: "x", file: $f) { id } createStudy(input: {code: "A", name: "B", sites: []}) { id } }',
      'file uploads are accepted only for a single importVitals mutation',
    ],
    [
      'two operations',
      'mutation A($f: Upload!) { importVitals(studyId: "x", file: $f) { id } } mutation B { importVitals(studyId: "x", file: null) { id } }',
      'file uploads are accepted only for a single importVitals mutation',
    ],
  ])('refuses %s', (_label, query, reason) => {
    expect(refuseUploadOperation(operations(query))).toBe(reason);
  });

  it('refuses a batch, broken JSON and a query that does not parse', () => {
    expect(refuseUploadOperation('[{"query":"mutation { importVitals }"}]')).toMatch(/^batched operations cannot carry uploads/);
    expect(refuseUploadOperation('{')).toBe('the "operations" field of the multipart request is not JSON');
    expect(refuseUploadOperation(operations('mutation {'))).toMatch(/^the query does not parse/);
  });

  it('names the operation of an upload for metrics: the operationName sent, else the one in the query', () => {
    expect(uploadOperationName(JSON.stringify({ query: 'mutation A { importVitals }', operationName: 'B' }))).toBe('B');
    expect(uploadOperationName(operations('mutation ImportVitals($f: Upload!) { importVitals(studyId: "x", file: $f) { id } }'))).toBe('ImportVitals');
    expect(uploadOperationName(operations('mutation($f: Upload!) { importVitals(studyId: "x", file: $f) { id } }'))).toBeNull();
    expect(uploadOperationName('{')).toBeNull();
  });
});
