import { FormEvent, useState } from 'react';
import { api, Memory } from '../api';
import { Link } from '../router';
import { ErrorNote, Field, Page, useAction, Table } from '../ui';
import { buildFilters, EMPTY_FILTERS, FilterBuilder, FilterForm } from './FilterBuilder';

const formatScore = (value: unknown) => (typeof value === 'number' ? value.toFixed(3) : JSON.stringify(value));

/** The v3 search as a playground: each result with its score and, when answered, the score's parts. */
export function SearchPage() {
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<FilterForm>(EMPTY_FILTERS);
  const [topK, setTopK] = useState(10);
  const [threshold, setThreshold] = useState(0.1);
  const [rerank, setRerank] = useState(false);
  const [results, setResults] = useState<Memory[] | null>(null);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const answer = await api<{ results: Memory[] }>('POST', '/v3/memories/search/', {
        query,
        filters: buildFilters(filters),
        top_k: topK,
        threshold,
        rerank,
      });
      setResults(answer.results);
    });
  };
  return (
    <Page title="Search playground">
      <form onSubmit={submit}>
        <div className="row">
          <Field label="Query">
            <input
              name="search-query"
              className="wide"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
              required
            />
          </Field>
          <Field label="top_k">
            <input
              type="number"
              min={1}
              max={1000}
              value={topK}
              onChange={(event) => setTopK(Number(event.target.value))}
            />
          </Field>
          <Field label="threshold">
            <input
              type="number"
              min={0}
              max={1}
              step={0.05}
              value={threshold}
              onChange={(event) => setThreshold(Number(event.target.value))}
            />
          </Field>
          <label className="check">
            <input type="checkbox" checked={rerank} onChange={(event) => setRerank(event.target.checked)} />
            rerank
          </label>
          <button type="submit" className="primary" disabled={action.busy}>
            Search
          </button>
        </div>
        <FilterBuilder form={filters} onChange={setFilters} />
      </form>
      <ErrorNote error={action.error} />
      {results && (
        <Table className="results" headers={['Score', 'Memory', 'Breakdown']}>
          {results.map((hit) => (
            <tr key={hit.id}>
              <td className="score">{formatScore(hit.score)}</td>
              <td>
                <Link to={`/memories/${encodeURIComponent(hit.id)}`}>{hit.memory}</Link>
                <div className="muted">{hit.user_id && `user ${hit.user_id}`}</div>
              </td>
              <td className="breakdown">
                {hit.score_breakdown &&
                  Object.entries(hit.score_breakdown).map(([name, value]) => (
                    <span key={name} className="tag">
                      {name} {formatScore(value)}
                    </span>
                  ))}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {results?.length === 0 && <p className="muted">No result above the threshold.</p>}
    </Page>
  );
}
