import { CsvFileError } from './csv-file-error.js';

/** Where each field of a vitals row sits in the file, resolved once from the header. */
export interface VitalsColumns {
  /** Fields a row must have: the header's, less trailing empty names (a trailing delimiter). */
  count: number;
  /** Per column, the documented name of what it holds (heart_rate for "HR"), for row errors. */
  names: string[];
  patientId: number;
  recordTime: number;
  heartRate: number;
  bloodPressure: number;
  systolic: number;
  diastolic: number;
  temperature: number;
  temperatureIsFahrenheit: boolean;
  respiratoryRate: number;
  spo2: number;
}

type ColumnRole = Exclude<keyof VitalsColumns, 'count' | 'names' | 'temperatureIsFahrenheit'> | 'temperatureFahrenheit';

/**
 * Header names as hospitals and devices write them, compared after lower-casing and
 * dropping everything but letters and digits ("Patient Id", "patient_id" and "PatientID"
 * are one name; "Temp (°F)" becomes "tempf").
 */
const ALIASES: Record<ColumnRole, string[]> = {
  patientId: ['patientid', 'patient', 'patientnumber', 'patientno', 'subject', 'subjectid', 'subjectnumber', 'subjectno', 'participantid', 'pid'],
  recordTime: ['recordtime', 'recordedat', 'timestamp', 'time', 'datetime', 'measuredat', 'measurementtime', 'observationtime', 'obstime', 'recorddatetime'],
  heartRate: ['heartrate', 'hr', 'hrbpm', 'heartratebpm', 'pulse', 'pulserate', 'bpm'],
  bloodPressure: ['bloodpressure', 'bp', 'bpmmhg', 'bloodpressuremmhg', 'nibp'],
  systolic: ['systolic', 'sbp', 'sys', 'systolicbp', 'bpsystolic', 'systolicmmhg'],
  diastolic: ['diastolic', 'dbp', 'dia', 'diastolicbp', 'bpdiastolic', 'diastolicmmhg'],
  temperature: ['temperature', 'temp', 'tempc', 'temperaturec', 'bodytemperature', 'bodytemp', 'tempcelsius', 'temperaturecelsius'],
  temperatureFahrenheit: ['tempf', 'temperaturef', 'tempfahrenheit', 'temperaturefahrenheit', 'bodytemperaturef'],
  respiratoryRate: ['respiratoryrate', 'rr', 'resprate', 'respirationrate', 'breathingrate', 'respiration'],
  spo2: ['spo2', 'spo2pct', 'o2sat', 'oxygensaturation', 'sao2', 'sato2', 'spo2percent'],
};

const CANONICAL_NAME: Record<ColumnRole, string> = {
  patientId: 'patient_id',
  recordTime: 'record_time',
  heartRate: 'heart_rate',
  bloodPressure: 'blood_pressure',
  systolic: 'systolic',
  diastolic: 'diastolic',
  temperature: 'temperature',
  temperatureFahrenheit: 'temperature',
  respiratoryRate: 'respiratory_rate',
  spo2: 'spo2',
};

const ROLE_OF_NAME = new Map<string, ColumnRole>();
for (const [role, names] of Object.entries(ALIASES) as [ColumnRole, string[]][]) {
  for (const name of names) ROLE_OF_NAME.set(name, role);
}

export function normalizeHeaderName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function resolveVitalsColumns(header: string[], headerLine: number): VitalsColumns {
  let count = header.length;
  while (count > 0 && header[count - 1]?.trim().length === 0) count--;
  const columns: VitalsColumns = {
    count,
    names: header.map((name) => name.trim()),
    patientId: -1,
    recordTime: -1,
    heartRate: -1,
    bloodPressure: -1,
    systolic: -1,
    diastolic: -1,
    temperature: -1,
    temperatureIsFahrenheit: false,
    respiratoryRate: -1,
    spo2: -1,
  };
  header.forEach((name, index) => {
    const role = ROLE_OF_NAME.get(normalizeHeaderName(name));
    if (!role) return;
    if (role === 'temperatureFahrenheit') {
      if (columns.temperature !== -1) return;
      columns.temperature = index;
      columns.temperatureIsFahrenheit = true;
    } else if (columns[role] === -1) {
      columns[role] = index;
    } else {
      return;
    }
    columns.names[index] = CANONICAL_NAME[role];
  });
  const missing: string[] = [];
  if (columns.patientId === -1) missing.push('patient_id');
  if (columns.recordTime === -1) missing.push('record_time');
  const hasMeasure =
    columns.heartRate !== -1 ||
    columns.bloodPressure !== -1 ||
    (columns.systolic !== -1 && columns.diastolic !== -1) ||
    columns.temperature !== -1 ||
    columns.respiratoryRate !== -1 ||
    columns.spo2 !== -1;
  if (!hasMeasure) missing.push('at least one measure (heart_rate, blood_pressure or systolic + diastolic, temperature, respiratory_rate, spo2)');
  if (missing.length > 0) {
    throw new CsvFileError(
      'MISSING_COLUMN',
      `the header on line ${headerLine} lacks ${missing.join(' and ')}; it has: ${
        header
          .map((name) => name.trim())
          .filter(Boolean)
          .join(', ') || 'no names'
      }`,
    );
  }
  return columns;
}
