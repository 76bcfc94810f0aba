import { DateValue, FilterError } from './filter.types';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[Zz]|[+-](\d{2}):?(\d{2}))?$/;

/**
 * `YYYY-MM-DD` (midnight UTC, whole day), an ISO 8601 datetime (UTC when it has no offset) or Unix
 * seconds. Checked field by field so that whatever passes is also accepted by Postgres.
 */
export function parseDateValue(value: unknown, subject: string): DateValue {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const date = new Date(value * 1000);
    const iso = Number.isNaN(date.getTime()) ? '' : date.toISOString();
    if (/^\d{4}-/.test(iso) && !iso.startsWith('0000')) {
      return { iso, wholeDay: false };
    }
  }
  if (typeof value === 'string') {
    const day = DATE_ONLY.exec(value);
    if (day && isCalendarDate(day[1], day[2], day[3])) {
      return { iso: `${value}T00:00:00Z`, wholeDay: true };
    }
    const time = DATE_TIME.exec(value);
    if (time && isCalendarDate(time[1], time[2], time[3]) && isClockTime(time)) {
      const hasOffset = /(?:[Zz]|[+-]\d{2}:?\d{2})$/.test(value);
      return { iso: hasOffset ? value : `${value}Z`, wholeDay: false };
    }
  }
  throw new FilterError(
    `${subject} must be a date (YYYY-MM-DD or ISO 8601 datetime), got ${JSON.stringify(value)?.slice(0, 60)}`,
  );
}

/** Midnight UTC of the day after a whole-day value. */
export function nextDay(value: DateValue): DateValue {
  // toISOString writes years past 9999 as `+010000`, which Postgres does not read.
  const iso = new Date(Date.parse(value.iso) + DAY_MS).toISOString().replace(/^\+0*/, '');
  return { iso, wholeDay: true };
}

function isCalendarDate(year: string, month: string, day: string): boolean {
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  return Number(year) >= 1 && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

function isClockTime([, , , , hour, minute, second, offsetHour, offsetMinute]: RegExpExecArray): boolean {
  const below = (text: string | undefined, limit: number) => text === undefined || Number(text) < limit;
  return below(hour, 24) && below(minute, 60) && below(second, 60) && below(offsetHour, 15) && below(offsetMinute, 60);
}
