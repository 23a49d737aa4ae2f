/**
 * When a vital sign may have been taken: the one rule for the CSV import and for
 * `recordVitalSign`, so a time is judged the same way whichever path it arrives by.
 */

/** Nothing before it is a reading: a year below it is a typo or a two-digit year gone wrong. */
export const EARLIEST_READING_TIME_MS = Date.UTC(1900, 0, 1);

/** Device clocks drift: a reading a few minutes "ahead" is a clock, not a reading from the future. */
export const CLOCK_DRIFT_ALLOWANCE_MS = 5 * 60_000;

export interface ReadingTimeFault {
  code: 'IMPLAUSIBLE_TIME';
  message: string;
}

/**
 * Why no reading can have been taken at `recordedAtMs`, judged at `nowMs`, or null when one
 * can. `field` names the time in the message, as the caller's input spells it. Called once per
 * imported row, so it takes no options object.
 */
export function checkReadingTime(recordedAtMs: number, nowMs: number, field: string): ReadingTimeFault | null {
  if (recordedAtMs < EARLIEST_READING_TIME_MS) {
    return {
      code: 'IMPLAUSIBLE_TIME',
      message: `${field} ${isoTime(recordedAtMs)} is before ${isoTime(EARLIEST_READING_TIME_MS)}, the earliest time a reading may have`,
    };
  }
  if (recordedAtMs > nowMs + CLOCK_DRIFT_ALLOWANCE_MS) {
    return {
      code: 'IMPLAUSIBLE_TIME',
      message: `${field} ${isoTime(recordedAtMs)} is later than now (${isoTime(nowMs)}) plus ${CLOCK_DRIFT_ALLOWANCE_MS / 60_000} minutes allowed for clock drift`,
    };
  }
  return null;
}

/** toISOString, which throws past ±275,760 years: a 13-digit epoch cannot get there, but stay safe. */
function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms since 1970` : date.toISOString();
}
