import { VITAL_MEASURES, type VitalMeasure } from '@trialgraph/csv';
import { BadUserInputError } from '@trialgraph/graphql-kit';
import type { MeasureSummary, SubjectVitalsSummaryArgs, VitalsSummary } from '../__generated__/resolvers-types.js';

/** The window of `Subject.vitalsSummary`, both ends inclusive. */
export interface SummaryWindow {
  from: Date;
  to: Date;
}

/** Checks `Subject.vitalsSummary` arguments once, into the shape the loader groups by. */
export function toSummaryWindow(args: SubjectVitalsSummaryArgs): SummaryWindow {
  const from = new Date(args.from);
  const to = new Date(args.to);
  if (from > to) {
    throw new BadUserInputError(`"from" (${from.toISOString()}) must not be after "to" (${to.toISOString()})`, { field: 'from' });
  }
  return { from, to };
}

/** What the summary statement returns per subject: the count, then count, min, max and mean per measure. */
export type SummaryColumns = { readings: number } & Record<`${VitalMeasure}${'Count' | 'Min' | 'Max' | 'Mean'}`, number | null>;

/** The summary of a subject with no reading in the window (or none the caller may see). */
export function emptySummary(window: SummaryWindow): VitalsSummary {
  const none: MeasureSummary = { count: 0, min: null, max: null, mean: null };
  return { ...window, count: 0, ...(Object.fromEntries(VITAL_MEASURES.map((measure) => [measure, none])) as Record<VitalMeasure, MeasureSummary>) };
}

export function toVitalsSummary(window: SummaryWindow, columns: SummaryColumns): VitalsSummary {
  const measures = Object.fromEntries(
    VITAL_MEASURES.map((measure): [VitalMeasure, MeasureSummary] => [
      measure,
      {
        count: columns[`${measure}Count`] ?? 0,
        min: columns[`${measure}Min`],
        max: columns[`${measure}Max`],
        mean: columns[`${measure}Mean`],
      },
    ]),
  ) as Record<VitalMeasure, MeasureSummary>;
  return { ...window, count: columns.readings, ...measures };
}
