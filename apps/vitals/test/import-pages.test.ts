import { describe, expect, it } from 'vitest';
import type { VitalsImportErrorRow, VitalsImportRow } from '../src/db/schema.js';
import { importAfter, importErrorAfter, toImportConnection, toImportErrorConnection } from '../src/imports/import-pages.js';

const IMPORT = { id: '5b8f4c1e-2f4f-4b6e-9a55-6a4f0d1c2e01', startedAt: new Date('2026-03-01T08:00:00.000Z') } as VitalsImportRow;
const ERROR = { id: 41, line: 7 } as VitalsImportErrorRow;

const importCursor = () => toImportConnection([IMPORT], { first: 1, after: undefined, totalCount: 1 }).pageInfo.endCursor!;
const errorCursor = () => toImportErrorConnection([ERROR], { first: 1, after: undefined, totalCount: 1 }).pageInfo.endCursor!;

describe('cursors of the import reports and of their row errors', () => {
  it('resume each list after the row its cursor was given for', () => {
    expect(importAfter(importCursor())).toEqual({ startedAt: '2026-03-01T08:00:00.000Z', id: IMPORT.id });
    expect(importErrorAfter(errorCursor())).toEqual({ line: 7, id: 41 });
  });

  it('refuse a cursor of the other list as bad input, either way', () => {
    expect(() => importAfter(errorCursor())).toThrow(/not a cursor of this list/);
    expect(() => importErrorAfter(importCursor())).toThrow(/not a cursor of this list/);
  });

  it('take a line number as the row errors’ after, as clients sent before they were a connection', () => {
    expect(importErrorAfter('12')).toEqual({ line: 12, id: Number.MAX_SAFE_INTEGER });
    expect(() => importErrorAfter('9999999999')).toThrow(/beyond any file/);
  });
});
