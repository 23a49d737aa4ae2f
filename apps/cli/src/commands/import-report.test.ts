import { describe, expect, it } from 'vitest';
import { formatImportReport, rowErrorsToCsv, type ImportReport } from './import-report.js';

const report = (errors: ImportReport['errors'], fileName = 'vitals.csv'): ImportReport => ({
  status: 'SUCCEEDED',
  fileName,
  rowsRead: 4,
  rowsAccepted: 0,
  rowsRejected: 4,
  rowsDuplicate: 0,
  errors,
});

describe('the errors CSV', () => {
  it('keeps cells a spreadsheet would run as formulas as text', () => {
    const csv = rowErrorsToCsv([
      { line: 2, column: 'heart_rate', value: '=HYPERLINK("http://evil.test","x")', code: 'INVALID_NUMBER', message: 'not a number' },
      { line: 3, column: 'patient_id', value: '+cmd|"/c calc"!A1', code: 'UNKNOWN_SUBJECT', message: 'no subject' },
      { line: 4, column: 'spo2', value: '-2+3', code: 'INVALID_NUMBER', message: 'not a number' },
      { line: 5, column: 'temperature', value: '@SUM(A1:A2)', code: 'INVALID_NUMBER', message: '=1+1' },
    ]);
    const cells = csv.trim().split('\n').slice(1);
    expect(cells).toEqual([
      `2,heart_rate,"'=HYPERLINK(""http://evil.test"",""x"")",INVALID_NUMBER,not a number`,
      `3,patient_id,"'+cmd|""/c calc""!A1",UNKNOWN_SUBJECT,no subject`,
      `4,spo2,'-2+3,INVALID_NUMBER,not a number`,
      `5,temperature,'@SUM(A1:A2),INVALID_NUMBER,'=1+1`,
    ]);
  });

  it('leaves ordinary values and the line numbers as they are', () => {
    expect(rowErrorsToCsv([{ line: 7, column: 'heart_rate', value: 'abc', code: 'INVALID_NUMBER', message: 'heart_rate must be a number' }])).toBe(
      'line,column,value,code,message\n7,heart_rate,abc,INVALID_NUMBER,heart_rate must be a number\n',
    );
  });
});

describe('the terminal report', () => {
  it('shows escape codes from the file as text instead of obeying them', () => {
    const clearScreen = '\u001b[2J\u001b[H';
    const table = formatImportReport(
      report(
        [{ line: 2, column: 'patient_id', value: `${clearScreen}X\u0007`, code: 'UNKNOWN_SUBJECT', message: `no subject \u001b]0;owned\u0007` }],
        `a\u001b[31mred.csv`,
      ),
    );
    expect(table).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(table).toContain('\\x1b[2J');
    expect(table).toContain('a\\x1b[31mred.csv');
    expect(table).toContain('\\x07');
  });
});
