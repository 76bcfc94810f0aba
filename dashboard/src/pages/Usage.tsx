import { useState } from 'react';
import { api } from '../api';
import { Page, Status, useLoad, StatCards } from '../ui';

interface UsageDay {
  date: string;
  memories_added: number;
  adds: number;
  searches: number;
}

interface Stats {
  total_memories: number;
  total_add_events: number;
  total_retrieval_events: number;
}

const WIDTH = 900;
const HEIGHT = 110;
const AXIS = 20;

/** Bars per day as inline SVG, the highest day labelled, each bar titled with its date and count. */
function BarChart({
  title,
  days,
  value,
  tone,
}: {
  title: string;
  days: UsageDay[];
  value: (day: UsageDay) => number;
  tone: string;
}) {
  const values = days.map(value);
  const max = Math.max(1, ...values);
  const slot = WIDTH / days.length;
  const total = values.reduce((sum, count) => sum + count, 0);
  return (
    <figure className="card chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong>{' '}
        <span className="muted">
          {total} in {days.length} days, at most {max} a day
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`} role="img" aria-label={`${title} per day`}>
        <line x1={0} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} className="axis" />
        {days.map((day, index) => {
          const height = (values[index] / max) * (HEIGHT - 8);
          return (
            <rect
              key={day.date}
              x={index * slot + slot * 0.15}
              y={HEIGHT - height}
              width={slot * 0.7}
              height={height}
              className={`bar ${tone}`}
            >
              <title>{`${day.date}: ${values[index]}`}</title>
            </rect>
          );
        })}
        {[0, days.length - 1].map((index) => (
          <text
            key={index}
            x={index === 0 ? 0 : WIDTH}
            y={HEIGHT + 15}
            textAnchor={index === 0 ? 'start' : 'end'}
            className="label"
          >
            {days[index].date}
          </text>
        ))}
      </svg>
    </figure>
  );
}

export function UsagePage() {
  const [days, setDays] = useState(30);
  const usage = useLoad(() => api<{ days: UsageDay[] }>('GET', `/v1/stats/usage/?days=${days}`), [days]);
  const stats = useLoad(() => api<Stats>('GET', '/v1/stats/'), []);
  return (
    <Page
      title="Usage"
      actions={
        <select aria-label="window" value={days} onChange={(event) => setDays(Number(event.target.value))}>
          {[7, 30, 90, 365].map((value) => (
            <option key={value} value={value}>
              Last {value} days
            </option>
          ))}
        </select>
      }
    >
      <Status loaded={stats}>
        {(totals) => (
          <StatCards
            stats={[
              ['Memories', totals.total_memories],
              ['Add requests', totals.total_add_events],
              ['Searches and lists', totals.total_retrieval_events],
            ]}
          />
        )}
      </Status>
      <Status loaded={usage}>
        {(data) => (
          <>
            <BarChart title="Memories added" days={data.days} value={(day) => day.memories_added} tone="tone-a" />
            <BarChart title="Add requests" days={data.days} value={(day) => day.adds} tone="tone-b" />
            <BarChart title="Searches" days={data.days} value={(day) => day.searches} tone="tone-c" />
          </>
        )}
      </Status>
    </Page>
  );
}
