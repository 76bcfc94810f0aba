/**
 * Memory quality on LoCoMo (development split): every turn is added through the HTTP API as one
 * memory ("Speaker: text", `metadata.dia_id`, the session's date as `timestamp`), then each question
 * of categories 1-4 is searched within its conversation's user. The score is the share of the
 * question's evidence turns among the results (evidence recall@k), beside plain BM25 over the same
 * turns computed in the same run.
 *
 *   npm run build && npm run bench:locomo -- [--mode verbatim|infer] [--conversations 5]
 *     [--concurrency 8] [--dataset ../shared/benchmarks/locomo/locomo-dev.json] [--keep] [--reuse]
 *
 * verbatim: `POST /v3/memories/add/` with `infer: false` (every turn stored as is).
 * infer: `POST /v1/memories/` with `async_mode: false`, one turn per add, in conversation order, so
 * the server extracts facts with the conversation so far as context; each fact keeps its turn's dia_id.
 * Uses its own database (BENCH_DATABASE_URL, default .../mem0_bench_locomo, recreated) and Redis prefix.
 */
import { dropDatabase, ensureDatabase, migrate } from '../../scripts/lib/database';
import { option, rssMiB, startServer, summarize, writeResult } from '../lib';
import { Bm25Index } from './bm25';
import { Conversation, DEFAULT_DATASET, loadConversations, Question, Turn } from './data';
import { CATEGORY_NAMES, Metrics, printReport, scoreRanking } from './metrics';

const args = process.argv.slice(2);
const MODE = option('mode', 'verbatim') as 'verbatim' | 'infer';
const CONVERSATIONS = Number(option('conversations', '5'));
const CONCURRENCY = Number(option('concurrency', '8'));
const DATASET = option('dataset', DEFAULT_DATASET);
/** Keep the database afterwards; with --reuse, search a database an earlier --keep run left (no adds). */
const KEEP = args.includes('--keep');
const REUSE = args.includes('--reuse');
const TOP_K = 20;
const KEY = 'm0-bench-locomo-key-00000000000000000000000';

interface SearchResult {
  metadata?: { dia_id?: string } | null;
}

async function main(): Promise<void> {
  if (MODE !== 'verbatim' && MODE !== 'infer') throw new Error('--mode is verbatim or infer');
  const conversations = loadConversations(DATASET, CONVERSATIONS);
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0_bench_locomo';
  if (!REUSE) {
    await dropDatabase(databaseUrl);
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
  }
  const server = await startServer({
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `mem0benchlocomo${Date.now()}`,
    BOOTSTRAP_API_KEY: KEY,
    OPENAI_API_KEY: '',
    RATE_LIMIT_ENABLED: 'false',
    PORT: option('port', '8767'),
  });
  const headers = { Authorization: `Token ${KEY}`, 'Content-Type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<unknown>;
  };

  const userOf = (conversation: Conversation) => `locomo-${conversation.id}`;
  const addTurn = (conversation: Conversation, turn: Turn) => {
    const common = {
      messages: [{ role: 'user', content: turn.text }],
      user_id: userOf(conversation),
      metadata: { dia_id: turn.diaId, session: turn.session, speaker: turn.speaker },
      timestamp: turn.timestamp,
    };
    return MODE === 'verbatim'
      ? post('/v3/memories/add/', { ...common, infer: false })
      : post('/v1/memories/', { ...common, async_mode: false });
  };

  const addLatencies: number[] = [];
  const addStarted = Date.now();
  // Turns of one conversation arrive in order, as a live conversation would (extraction reads the conversation
  // so far, search sees what was said around a turn); conversations run in parallel.
  const queues = conversations.map((conversation) => ({ conversation, next: 0 }));
  const lanes = Math.min(CONCURRENCY, queues.length);
  const addWorker = async (lane: number) => {
    for (;;) {
      const queue = queues
        .filter((_, index) => index % lanes === lane)
        .find((q) => q.next < q.conversation.turns.length);
      if (!queue) return;
      const turn = queue.conversation.turns[queue.next++];
      const sent = performance.now();
      await addTurn(queue.conversation, turn);
      addLatencies.push(performance.now() - sent);
    }
  };
  if (!REUSE) await Promise.all(Array.from({ length: lanes }, (_, lane) => addWorker(lane)));
  const addSeconds = (Date.now() - addStarted) / 1000;

  const jobs = conversations.flatMap((conversation) =>
    conversation.questions.map((question) => ({ conversation, question })),
  );
  const serverRanks = new Map<Question, string[]>();
  const searchLatencies: number[] = [];
  let nextJob = 0;
  const searchWorker = async () => {
    while (nextJob < jobs.length) {
      const { conversation, question } = jobs[nextJob++];
      const sent = performance.now();
      const answer = (await post('/v3/memories/search/', {
        query: question.question,
        filters: { user_id: userOf(conversation) },
        top_k: TOP_K,
      })) as { results: SearchResult[] };
      searchLatencies.push(performance.now() - sent);
      serverRanks.set(
        question,
        answer.results.map((result) => result.metadata?.dia_id ?? ''),
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, searchWorker));
  const [apiRss, workerRss] = server.pids.map(rssMiB);
  await server.stop();

  const serverMetrics = new Metrics();
  const bm25 = new Metrics();
  for (const conversation of conversations) {
    const index = new Bm25Index<string>();
    for (const turn of conversation.turns) index.add(turn.diaId, turn.text);
    for (const question of conversation.questions) {
      serverMetrics.add(question.category, scoreRanking(serverRanks.get(question) ?? [], question.evidence));
      bm25.add(question.category, scoreRanking(index.search(question.question, TOP_K), question.evidence));
    }
  }
  const result = {
    date: new Date().toISOString(),
    mode: MODE,
    conversations: conversations.map((c) => c.id),
    turns: conversations.reduce((sum, c) => sum + c.turns.length, 0),
    questions: jobs.length,
    categories: CATEGORY_NAMES,
    server: serverMetrics.summary(),
    bm25: bm25.summary(),
    add: { seconds: addSeconds, per_second: addLatencies.length / addSeconds, latency_ms: summarize(addLatencies) },
    search: { latency_ms: summarize(searchLatencies) },
    rss_mib: { api: apiRss, worker: workerRss },
  };
  printReport(result);
  console.log(`written ${writeResult(`locomo-${MODE}`, result)}`);
  if (!KEEP && !REUSE) await dropDatabase(databaseUrl);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
