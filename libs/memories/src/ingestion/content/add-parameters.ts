import { ContentRefusal } from './content-parts';

/** The documented add parameters read here; the others are read by toAddRequest directly. */
export interface AddParameters {
  enable_graph?: boolean | null;
  temporal_reasoning?: boolean | null;
  prompt_profile_id?: string | null;
  timezone?: string | null;
  observation_datetime?: string | null;
  observation_date?: string | null;
}

/**
 * Parameters this server cannot honour are refused rather than ignored: the entity graph and the
 * date resolution behind search run on every add, and there are no prompt profiles.
 */
export function refuseUnsupported(dto: AddParameters): void {
  if (dto.enable_graph === false) {
    throw new ContentRefusal('enable_graph: the entity graph is built on every add here and cannot be turned off');
  }
  if (dto.temporal_reasoning === false) {
    throw new ContentRefusal('temporal_reasoning: dates are resolved on every add here and cannot be turned off');
  }
  if (dto.prompt_profile_id !== undefined && dto.prompt_profile_id !== null) {
    throw new ContentRefusal('prompt_profile_id: prompt profiles are not supported by this server');
  }
}

/** When the conversation was observed, as Unix seconds: observation_datetime, else observation_date, in `timezone`. */
export function observedAt(dto: AddParameters): number | null {
  const zone = dto.timezone ?? 'UTC';
  const clock = wallClock(zone);
  const raw = dto.observation_datetime ?? (dto.observation_date ? `${dto.observation_date}T00:00:00` : null);
  if (!raw) {
    return null;
  }
  const field = dto.observation_datetime ? 'observation_datetime' : 'observation_date';
  const explicit = /(Z|[+-]\d{2}:?\d{2})$/i.test(raw);
  const asUtc = Date.parse(explicit ? raw : `${raw}Z`);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(asUtc)) {
    throw new ContentRefusal(
      `${field}: "${raw}" is not an ISO 8601 date${field === 'observation_date' ? '' : ' and time'}`,
    );
  }
  const at = explicit ? asUtc : asUtc - zoneOffsetMs(asUtc, clock);
  return Math.floor(at / 1000);
}

/** Building a formatter costs about half a millisecond (every add checks its zone): one per zone seen. */
const WALL_CLOCKS = new Map<string, Intl.DateTimeFormat>();
const MAX_WALL_CLOCKS = 1000;

function wallClock(zone: string): Intl.DateTimeFormat {
  let clock = WALL_CLOCKS.get(zone);
  if (!clock) {
    try {
      clock = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new ContentRefusal(`timezone: "${zone}" is not an IANA time zone`);
    }
    if (WALL_CLOCKS.size < MAX_WALL_CLOCKS) {
      WALL_CLOCKS.set(zone, clock);
    }
  }
  return clock;
}

/** How far the zone's wall clock is ahead of UTC at that instant. */
function zoneOffsetMs(instant: number, clock: Intl.DateTimeFormat): number {
  const parts = Object.fromEntries(
    clock
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return wall - Math.floor(instant / 1000) * 1000;
}
