import * as chrono from 'chrono-node';

export interface DateSpan {
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

const startOfDay = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
const addDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY_MS);

/** The span one parsed expression covers: a day, a week, a month or a year, by what it names. */
function spanOf(result: chrono.ParsedResult): DateSpan | null {
  const { start, text } = result;
  const lower = text.toLowerCase();
  // "for 4 years" is a duration, not a date; a bare clock time says nothing about the day.
  if (/^for\b/.test(lower)) return null;
  const date = start.date();
  if (result.end) {
    return { start: startOfDay(date), end: addDays(startOfDay(result.end.date()), 1) };
  }
  if (/\bweeks?\b/.test(lower) || lower.includes('weekend')) {
    const day = startOfDay(date);
    return { start: addDays(day, -3), end: addDays(day, 4) };
  }
  if (start.isCertain('day') || start.isCertain('weekday')) {
    return { start: startOfDay(date), end: addDays(startOfDay(date), 1) };
  }
  if (start.isCertain('month')) {
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
  }
  if (start.isCertain('year')) {
    const year = date.getUTCFullYear();
    return { start: new Date(Date.UTC(year, 0, 1)), end: new Date(Date.UTC(year + 1, 0, 1)) };
  }
  return null;
}

/** "in 2022", "since 2019": a year on its own, which the date parser leaves alone. */
function bareYears(text: string): DateSpan[] {
  return [...text.matchAll(/\b(?:in|since|during|of|from|by|until)\s+((?:19|20)\d{2})\b/gi)].map((match) => {
    const year = Number(match[1]);
    return { start: new Date(Date.UTC(year, 0, 1)), end: new Date(Date.UTC(year + 1, 0, 1)) };
  });
}

/**
 * The time a text talks about ("yesterday", "last week", "in March", "on 8 May 2023"), resolved against
 * `reference` (when it was said), as one span from the earliest to the latest date named; null when none.
 */
export function extractDateSpan(text: string, reference: Date): DateSpan | null {
  const spans = [...chrono.parse(text, { instant: reference, timezone: 0 }).map(spanOf), ...bareYears(text)].filter(
    (span): span is DateSpan => span !== null,
  );
  if (spans.length === 0) return null;
  return {
    start: new Date(Math.min(...spans.map((span) => span.start.getTime()))),
    end: new Date(Math.max(...spans.map((span) => span.end.getTime()))),
  };
}

/** Whether two spans share any instant. */
export const overlaps = (a: DateSpan, b: DateSpan) => a.start < b.end && b.start < a.end;
