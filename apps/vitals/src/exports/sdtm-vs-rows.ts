import type { ExportReading } from './export-store.js';

/** The CDISC SDTM VS columns, in the order of the SDTM Implementation Guide. */
export const SDTM_VS_COLUMNS = [
  'STUDYID',
  'DOMAIN',
  'USUBJID',
  'VSSEQ',
  'VSTESTCD',
  'VSTEST',
  'VSORRES',
  'VSORRESU',
  'VSSTRESC',
  'VSSTRESN',
  'VSSTRESU',
  'VSDTC',
] as const;

type Measure = 'heartRate' | 'systolic' | 'diastolic' | 'temperature' | 'respiratoryRate' | 'spo2';

/** Each measure as a VS test: the controlled terminology code and name, and the unit we store it in (the standard unit). */
const VS_TESTS: ReadonlyArray<{ measure: Measure; code: string; name: string; unit: string }> = [
  { measure: 'heartRate', code: 'HR', name: 'Heart Rate', unit: 'beats/min' },
  { measure: 'systolic', code: 'SYSBP', name: 'Systolic Blood Pressure', unit: 'mmHg' },
  { measure: 'diastolic', code: 'DIABP', name: 'Diastolic Blood Pressure', unit: 'mmHg' },
  { measure: 'temperature', code: 'TEMP', name: 'Temperature', unit: 'C' },
  { measure: 'respiratoryRate', code: 'RESP', name: 'Respiratory Rate', unit: 'breaths/min' },
  { measure: 'spo2', code: 'OXYSAT', name: 'Oxygen Saturation', unit: '%' },
];

/**
 * Writes VS rows for readings that arrive in (subject, time) order, numbering VSSEQ 1, 2, 3… per
 * subject: that order is what lets VSSEQ stay unique within each subject without remembering
 * every subject seen. Values are stored in standard units (°F is converted at import), so the
 * original and standardised results are the same.
 */
export function createSdtmVsRows(studyCode: string): (reading: ExportReading, subjectNumber: string) => Array<Array<string | number>> {
  let currentSubject: string | undefined;
  let sequence = 0;
  return (reading, subjectNumber) => {
    if (reading.subjectId !== currentSubject) {
      currentSubject = reading.subjectId;
      sequence = 0;
    }
    const rows: Array<Array<string | number>> = [];
    for (const test of VS_TESTS) {
      const value = reading[test.measure];
      if (value === null) continue;
      const text = String(value);
      // Subject numbers begin with the study code and are unique across studies, as USUBJID must be.
      rows.push([
        studyCode,
        'VS',
        subjectNumber,
        ++sequence,
        test.code,
        test.name,
        text,
        test.unit,
        text,
        Number(value),
        test.unit,
        reading.recordedAt.toISOString(),
      ]);
    }
    return rows;
  };
}
