import { checkReadingTime, checkVitalMeasures, VITAL_MEASURES, type VitalMeasures } from '@trialgraph/csv';
import { recordAuditEvents } from '@trialgraph/database';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '@trialgraph/graphql-kit';
import type { RecordVitalSignInput } from '../__generated__/resolvers-types.js';
import type { VitalsContext } from '../context.js';
import type { VitalSignRow } from '../db/schema.js';
import { findVitalAt, insertVitalSignUnlessRecorded } from './store.js';

/**
 * Records one reading, judged by the same ranges and time bounds as an imported row, with its
 * audit record in the same transaction. Sending the same reading again returns the stored one (a
 * retried request must not fail); a different reading for the same subject and instant is a
 * CONFLICT and is never overwritten. "The same" is decided as for an imported row (same-reading.ts).
 */
export async function recordVitalSign(context: VitalsContext, input: RecordVitalSignInput): Promise<VitalSignRow> {
  const recordedAt = input.recordedAt as Date;
  const timeFault = checkReadingTime(recordedAt.getTime(), Date.now(), 'recordedAt');
  if (timeFault) throw new BadUserInputError(timeFault.message, { field: 'input.recordedAt', extensions: { reason: timeFault.code } });
  const measures = Object.fromEntries(VITAL_MEASURES.map((measure) => [measure, input[measure] ?? null])) as VitalMeasures;
  const fault = checkVitalMeasures(measures);
  if (fault) throw new BadUserInputError(fault.message, { field: `input.${fault.measure ?? 'heartRate'}`, extensions: { reason: fault.code } });

  const subject = await context.subjects.findSubject(input.subjectId);
  if (!subject) throw new NotFoundError(`no subject with id ${input.subjectId}`);
  // Readable is not writable: a site-scoped role records at its own sites only, whatever else the token may read.
  if (!context.access.allows('recordVitals', subject)) {
    throw new ForbiddenError('you may record vital signs only for subjects of your own sites');
  }

  await context.readingPartitions.ensure([recordedAt.getTime()], context.db);
  const stored = await context.db.transaction(async (tx) => {
    const row = await insertVitalSignUnlessRecorded(tx, {
      subjectId: subject.id,
      studyId: subject.studyId,
      siteId: subject.siteId,
      recordedAt,
      ...measures,
      importId: null,
      sourceLine: null,
      recordedBy: context.actor,
    });
    if (row) {
      await recordAuditEvents(tx, [
        {
          actor: context.actor,
          action: 'RECORD',
          entityType: 'VitalSign',
          entityId: String(row.id),
          newValue: JSON.stringify({ subjectId: subject.id, recordedAt: recordedAt.toISOString(), ...measures }),
        },
      ]);
    }
    return row;
  });
  if (stored) return stored;

  // Compared in the database, as stored, by the rule the import follows too (same-reading.ts).
  const existing = await findVitalAt(context.db, subject.id, recordedAt, measures);
  if (existing?.same) return existing.stored;
  throw new ConflictError(
    `subject ${subject.subjectNumber} already has a reading at ${recordedAt.toISOString()} with other values; stored readings are never overwritten`,
  );
}
