/**
 * Reads `record_time` values as exports write them: ISO 8601 with or without an offset,
 * `YYYY-MM-DD HH:mm[:ss]`, compact `YYYYMMDD[HHmm[ss]]` (as HL7 v2 writes them), or epoch
 * seconds / milliseconds. Times without an offset are wall-clock times in the given IANA zone.
 * Parsed by hand because `Date.parse` accepts too much (and reads offset-less times in the
 * server's zone) and is slow at a million rows.
 */
export type RecordTimeParser = (value: string) => number;

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Returns epoch milliseconds, or NaN when the value is not a time in a supported form. */
export function createRecordTimeParser(timezone: string): RecordTimeParser {
  const toUtc = timezone === 'UTC' || timezone === 'Etc/UTC' ? (local: number) => local : createZoneConverter(timezone);
  return (value) => {
    const text = value.trim();
    if (text.length === 0) return NaN;
    if (isAllDigits(text)) return parseAllDigits(text, toUtc);
    return parseCalendarTime(text, toUtc);
  };
}

/**
 * An all-digit value is read by its length, never by its size: any number of digits used to be
 * an epoch, so 20250301 was stored as 1970-08-23. Epoch seconds have 9 or 10 digits (1973 to
 * 2286), milliseconds 12 or 13; compact dates 8, 12 or 14. Twelve digits starting 19 or 20 are a
 * compact date and time (202503010800): as milliseconds they would be a day of 1976.
 */
function parseAllDigits(text: string, toUtc: (local: number) => number): number {
  switch (text.length) {
    case 8:
    case 14:
      return parseCompactTime(text, toUtc);
    case 12:
      return text.startsWith('19') || text.startsWith('20') ? parseCompactTime(text, toUtc) : Number(text);
    case 9:
    case 10:
      return Number(text) * 1000;
    case 13:
      return Number(text);
    default:
      return NaN;
  }
}

/** YYYYMMDD, YYYYMMDDHHmm or YYYYMMDDHHmmss, a wall-clock time in the import's zone. */
function parseCompactTime(text: string, toUtc: (local: number) => number): number {
  const withTime = text.length >= 12;
  const local = utcFromFields(
    digits(text, 0, 4),
    digits(text, 4, 2),
    digits(text, 6, 2),
    withTime ? digits(text, 8, 2) : 0,
    withTime ? digits(text, 10, 2) : 0,
    text.length === 14 ? digits(text, 12, 2) : 0,
    0,
  );
  return Number.isNaN(local) ? NaN : toUtc(local);
}

/** The instant of these calendar fields read as UTC, or NaN for an impossible date or time. */
function utcFromFields(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond: number): number {
  if (year < 0 || month < 1 || month > 12 || day < 1) return NaN;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  const daysInMonth = DAYS_IN_MONTH[month - 1];
  if (daysInMonth === undefined || day > daysInMonth + leap) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Date.UTC reads years 0-99 as 1900-1999: 0001-01-01 came out as 1901.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime();
}

function isAllDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return false;
  }
  return true;
}

/** Reads `count` digits at `at`, or -1. */
function digits(text: string, at: number, count: number): number {
  if (at + count > text.length) return -1;
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return -1;
    n = n * 10 + (c - DIGIT_0);
  }
  return n;
}

function parseCalendarTime(text: string, toUtc: (local: number) => number): number {
  // YYYY-MM-DD
  if (text[4] !== '-' || text[7] !== '-') return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (text.length === 10) {
    const date = utcFromFields(year, month, day, 0, 0, 0, 0);
    return Number.isNaN(date) ? NaN : toUtc(date);
  }
  const separator = text[10];
  if (separator !== 'T' && separator !== 't' && separator !== ' ') return NaN;
  // HH:mm[:ss[.fff]]
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (text[13] !== ':') return NaN;
  let at = 16;
  let second = 0;
  let millisecond = 0;
  if (text[at] === ':') {
    second = digits(text, at + 1, 2);
    at += 3;
    if (text[at] === '.' || text[at] === ',') {
      let scale = 100;
      at++;
      const fractionStart = at;
      while (at < text.length) {
        const c = text.charCodeAt(at);
        if (c < DIGIT_0 || c > DIGIT_9) break;
        millisecond += (c - DIGIT_0) * scale;
        scale /= 10;
        at++;
      }
      if (at === fractionStart) return NaN;
      millisecond = Math.floor(millisecond);
    }
  }
  const local = utcFromFields(year, month, day, hour, minute, second, millisecond);
  if (Number.isNaN(local)) return NaN;
  if (at === text.length) return toUtc(local);
  const zone = text[at];
  if ((zone === 'Z' || zone === 'z') && at + 1 === text.length) return local;
  if (zone !== '+' && zone !== '-') return NaN;
  // ±HH:mm, ±HHmm or ±HH
  const offsetHours = digits(text, at + 1, 2);
  let offsetMinutes = 0;
  let end = at + 3;
  if (text[end] === ':') {
    offsetMinutes = digits(text, end + 1, 2);
    end += 3;
  } else if (end < text.length) {
    offsetMinutes = digits(text, end, 2);
    end += 2;
  }
  if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59 || end !== text.length) return NaN;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return zone === '+' ? local - offset : local + offset;
}

/**
 * Wall-clock time in `timezone` → UTC. Zone offsets only change on quarter hours, so
 * the offset is looked up through Intl once per quarter hour seen, not once per row.
 */
function createZoneConverter(timezone: string): (local: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const quarterHour = 15 * 60_000;
  const offsets = new Map<number, number>();
  const offsetAt = (utc: number): number => {
    const bucket = Math.floor(utc / quarterHour);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      const parts: Record<string, number> = {};
      for (const part of format.formatToParts(bucket * quarterHour)) parts[part.type] = Number(part.value);
      const { year, month } = parts;
      if (year === undefined || month === undefined) throw new Error(`Intl.DateTimeFormat gave no year or month for ${timezone}`);
      offset = Date.UTC(year, month - 1, parts.day, parts.hour, parts.minute, parts.second) - bucket * quarterHour;
      if (offsets.size > 50_000) offsets.clear();
      offsets.set(bucket, offset);
    }
    return offset;
  };
  return (local) => {
    const firstGuess = local - offsetAt(local);
    const offset = offsetAt(firstGuess);
    // A wall-clock time skipped by a daylight-saving jump resolves to the later offset.
    return local - offset;
  };
}
