import { and, asc, eq, inArray } from 'drizzle-orm';
import type { VitalsDatabase } from '../db/client.js';
import { auditEvents, type AuditEventRow, type NewAuditEvent, type VitalsImportRow } from '../db/schema.js';

/** What an import's audit record keeps: who sent which file (by name, SHA-256 and size) to which study, and how it ended. */
export function importAuditEvent(row: VitalsImportRow, action: 'IMPORT_STARTED' | 'IMPORT_FINISHED', actor: string): NewAuditEvent {
  const { fileName, studyId, status, dryRun, onError, rowsRead, rowsAccepted, rowsRejected, rowsDuplicate, bytesRead, sha256, byteCount, failureReason } = row;
  return {
    actor,
    action,
    entityType: 'VitalsImport',
    entityId: row.id,
    field: 'status',
    // sha256 and byteCount say which file this was (null in IMPORT_STARTED: the file is still to come).
    newValue: JSON.stringify({ fileName, studyId, status, dryRun, onError, rowsRead, rowsAccepted, rowsRejected, rowsDuplicate, bytesRead, sha256, byteCount }),
    reason: failureReason,
  };
}

export function findAuditEventsOf(db: VitalsDatabase, entityId: string): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId)).orderBy(asc(auditEvents.id));
}

/**
 * Exports are recorded against the study whose readings they read (entityType Study, see
 * exports/export-route.ts), so a study's exports are found by the (entity_id, id) index.
 */
export const exportsOfStudy = (studyId: string) =>
  and(eq(auditEvents.entityType, 'Study'), eq(auditEvents.entityId, studyId), inArray(auditEvents.action, [...EXPORT_ACTIONS]));

export const EXPORT_ACTIONS = ['EXPORT_STARTED', 'EXPORT_FINISHED'] as const;
