import { VITAL_MEASURES, VITAL_RANGES } from '@trialgraph/csv';
import { csvText } from './csv-text.js';
import type { ExportReading } from './export-store.js';
import { fhirObservationsOf } from './fhir-observations.js';
import { createSdtmVsRows, SDTM_VS_COLUMNS } from './sdtm-vs-rows.js';

export const EXPORT_FORMATS = ['CSV', 'FHIR', 'SDTM'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Turns pages of readings, in (subject, time) order, into the text of one export. */
export interface ExportWriter {
  /** What comes before the first page (a CSV header), possibly empty. */
  head: string;
  page(readings: readonly ExportReading[], subjectNumberOf: (subjectId: string) => string): string;
}

export interface ExportFormatSpec {
  contentType: string;
  fileExtension: string;
  createWriter(study: { code: string }): ExportWriter;
}

/** The import's own columns (VITAL_RANGES names them), so an exported file imports again, as duplicates. */
const VITALS_CSV_COLUMNS = ['patient_id', 'record_time', ...VITAL_MEASURES.map((measure) => VITAL_RANGES[measure].column)];

export const EXPORT_FORMAT_SPECS: Readonly<Record<ExportFormat, ExportFormatSpec>> = {
  CSV: {
    contentType: 'text/csv; charset=utf-8',
    fileExtension: 'csv',
    createWriter: () => ({
      head: csvText([VITALS_CSV_COLUMNS]),
      page: (readings, subjectNumberOf) =>
        csvText(
          readings.map((reading) => [
            subjectNumberOf(reading.subjectId),
            reading.recordedAt.toISOString(),
            ...VITAL_MEASURES.map((measure) => reading[measure] ?? ''),
          ]),
        ),
    }),
  },
  FHIR: {
    contentType: 'application/fhir+ndjson',
    fileExtension: 'ndjson',
    createWriter: () => ({
      head: '',
      page: (readings, subjectNumberOf) => {
        let text = '';
        for (const reading of readings) {
          for (const observation of fhirObservationsOf(reading, subjectNumberOf(reading.subjectId))) text += `${JSON.stringify(observation)}\n`;
        }
        return text;
      },
    }),
  },
  SDTM: {
    contentType: 'text/csv; charset=utf-8',
    fileExtension: 'csv',
    createWriter: (study) => {
      const rowsOf = createSdtmVsRows(study.code);
      return {
        head: csvText([SDTM_VS_COLUMNS]),
        page: (readings, subjectNumberOf) => csvText(readings.flatMap((reading) => rowsOf(reading, subjectNumberOf(reading.subjectId)))),
      };
    },
  },
};
