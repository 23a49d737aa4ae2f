/**
 * Plausible physiological ranges, inclusive, in canonical units (temperature in °C).
 * Shared by the CSV import and the single-reading mutation, so a value is judged the
 * same way whichever path it arrives by.
 */
export const VITAL_RANGES = {
  heartRate: { column: 'heart_rate', min: 20, max: 300, unit: 'beats/min' },
  systolic: { column: 'systolic', min: 50, max: 300, unit: 'mmHg' },
  diastolic: { column: 'diastolic', min: 20, max: 200, unit: 'mmHg' },
  temperature: { column: 'temperature', min: 30, max: 45, unit: '°C' },
  respiratoryRate: { column: 'respiratory_rate', min: 4, max: 80, unit: 'breaths/min' },
  spo2: { column: 'spo2', min: 50, max: 100, unit: '%' },
} as const;

export type VitalMeasure = keyof typeof VITAL_RANGES;

export const VITAL_MEASURES = Object.keys(VITAL_RANGES) as VitalMeasure[];

export type VitalMeasures = Record<VitalMeasure, number | null>;

/** Why a set of readings cannot be stored; `column` names the offending field. */
export interface MeasureFault {
  measure: VitalMeasure | null;
  code: 'OUT_OF_RANGE' | 'INVALID_BLOOD_PRESSURE' | 'MISSING_VALUE';
  message: string;
}

/** Body temperatures in °F fall here; in °C they fall in 30–45, so the two never overlap. */
const FAHRENHEIT_RANGE = { min: 86, max: 113.5 };

export function fahrenheitToCelsius(fahrenheit: number): number {
  // Thermometers read to 0.1 °C; more digits from the conversion would be false precision.
  return Math.round((((fahrenheit - 32) * 5) / 9) * 10) / 10;
}

/** Reads a temperature as °F when the column says so or when only °F makes it plausible. */
export function toCelsius(value: number, columnIsFahrenheit: boolean): number {
  if (columnIsFahrenheit) return fahrenheitToCelsius(value);
  if (value >= FAHRENHEIT_RANGE.min && value <= FAHRENHEIT_RANGE.max) return fahrenheitToCelsius(value);
  return value;
}

/** The first reason these readings are implausible, or null when they may be stored. */
export function checkVitalMeasures(measures: VitalMeasures): MeasureFault | null {
  let present = 0;
  for (const measure of VITAL_MEASURES) {
    const value = measures[measure];
    if (value === null) continue;
    present++;
    const range = VITAL_RANGES[measure];
    if (!(value >= range.min && value <= range.max)) {
      return {
        measure,
        code: 'OUT_OF_RANGE',
        message: `${range.column} must be between ${range.min} and ${range.max} ${range.unit}, got ${value}`,
      };
    }
  }
  if (present === 0) {
    return {
      measure: null,
      code: 'MISSING_VALUE',
      message: 'no measure given: at least one of heart_rate, blood_pressure, temperature, respiratory_rate, spo2 is needed',
    };
  }
  const { systolic, diastolic } = measures;
  if ((systolic === null) !== (diastolic === null)) {
    return {
      measure: systolic === null ? 'systolic' : 'diastolic',
      code: 'INVALID_BLOOD_PRESSURE',
      message: 'a blood pressure needs both systolic and diastolic values',
    };
  }
  if (systolic !== null && diastolic !== null && diastolic >= systolic) {
    return {
      measure: 'diastolic',
      code: 'INVALID_BLOOD_PRESSURE',
      message: `diastolic (${diastolic}) must be below systolic (${systolic})`,
    };
  }
  return null;
}
