/** ISO 8601 with microseconds and an explicit UTC offset, as the platform emits (`...T10:29:36.630000+00:00`). */
export function formatTimestamp(date: Date): string;
export function formatTimestamp(date: Date | null | undefined): string | null;
export function formatTimestamp(date: Date | null | undefined): string | null {
  if (!date) {
    return null;
  }
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
