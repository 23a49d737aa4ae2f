import { sql, type SQL } from 'drizzle-orm';
import { VITAL_MEASURES, type VitalMeasure } from '@trialgraph/csv';

/** The type each measure is stored as (see vital_signs in db/schema.ts). */
const STORED_AS: Record<VitalMeasure, SQL> = {
  heartRate: sql.raw('smallint'),
  systolic: sql.raw('smallint'),
  diastolic: sql.raw('smallint'),
  temperature: sql.raw('real'),
  respiratoryRate: sql.raw('smallint'),
  spo2: sql.raw('smallint'),
};

/**
 * The one rule that tells a repeat of a stored reading from a different reading at the same
 * (subject, instant), for the import and for recordVitalSign alike: the same reading is the one
 * that would be stored with the same values. Each given measure is cast to the type its column
 * stores it as, then compared exactly with the stored value (absent equals absent only). So 36.6
 * sent again is a repeat however a client spells it, while a value that would be stored
 * differently, however close, is another reading and so a CONFLICT: a tolerance (recordVitalSign
 * allowed 1e-4 and the import none) would call two readings that the database keeps apart the
 * same, and decide differently by the path they came by.
 */
export function sameStoredReading(stored: (measure: VitalMeasure) => SQL, given: (measure: VitalMeasure) => SQL): SQL {
  return sql.join(
    VITAL_MEASURES.map((measure) => sql`${stored(measure)} is not distinct from (${given(measure)})::${STORED_AS[measure]}`),
    sql` and `,
  );
}

/** A measure's column under a table alias, in the database's snake_case. */
export const measureColumn = (alias: string, measure: VitalMeasure): SQL =>
  sql.raw(`${alias}.${measure.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`);
