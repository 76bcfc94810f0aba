import { Pool } from 'pg';
import { HashEmbedder } from '../../libs/ai/src/offline/hash-embedder';
import { exactStatement, hnswStatement, QuerySpec, ScenarioName } from './sql';
const url = 'postgresql://postgres@127.0.0.1:5432/mem0_bench_retrieval';
(async () => {
  const pool = new Pool({ connectionString: url, max: 1, options: '-c hnsw.iterative_scan=relaxed_order -c hnsw.ef_search=100' });
  const projectId = (await pool.query('SELECT id FROM projects LIMIT 1')).rows[0].id;
  const e = new HashEmbedder(384);
  const text = 'allergic to oysters';
  const spec = (scenario: ScenarioName): QuerySpec => ({ scenario, text, vector: `[${e.embedOne(text).join(',')}]`, users: ['u42', 'u7', 'u300'], bucket: 7 });
  const which = process.argv[2] as ScenarioName; const kind = process.argv[3];
  const st = kind === 'hnsw' ? hnswStatement(projectId, spec(which)) : exactStatement(projectId, spec(which));
  let text2 = st.text;
  if (kind === 'plain') {
    // exact without the MATERIALIZED CTE: ORDER BY the untyped column (no index matches it)
    text2 = st.text.replace('WITH candidates AS MATERIALIZED (SELECT m.id, m.embedding FROM memories m WHERE', 'WITH nearest AS (SELECT m.id, m.embedding <=> $9::vector AS distance FROM memories m WHERE');
  }
  const values = kind === 'plain' ? [...st.values] : st.values;
  if (kind === 'plain') { text2 = text2.replace('), nearest AS (SELECT c.id, c.embedding <=> $' + (st.values.length - 2) + '::vector AS distance FROM candidates c ORDER BY distance LIMIT $' + (st.values.length - 1) + ')', ' ORDER BY distance LIMIT $' + (st.values.length - 1) + ')').replace('$9::vector', '$' + (st.values.length - 2) + '::vector'); }
  for (let i = 0; i < 3; i++) await pool.query(text2, values);
  const t = Date.now(); for (let i = 0; i < 10; i++) await pool.query(text2, values); console.log('avg ms', (Date.now() - t) / 10);
  const r = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) ${text2}`, values);
  console.log(r.rows.map((row) => row['QUERY PLAN']).join('\n'));
  await pool.end();
})();
