/** A conversation turn as the clients send it (content already reduced to text). */
export interface ChatMessage {
  role: 'user' | 'assistant' | 'system';
  content: string;
  name?: string;
}

export interface TokenUsage {
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
}

export const emptyUsage = (): TokenUsage => ({ llmCalls: 0, inputTokens: 0, outputTokens: 0 });

export interface ExtractionRequest {
  /** The new turns to extract facts from. */
  messages: ChatMessage[];
  /** Earlier turns of the same user/run, for resolving references ("he" -> the dog named before). */
  context: ChatMessage[];
  /** Rules for facts stated by the user (project or per-call custom_instructions). */
  customInstructions?: string | null;
  /** Rules for facts stated by the assistant/agent (falls back to customInstructions). */
  agentCustomInstructions?: string | null;
  /** Free-text hints: what to keep / what to leave out. */
  includes?: string | null;
  excludes?: string | null;
  /** Replaces the built-in extraction prompt (self-hosted servers' custom_extraction_prompt). */
  customPrompt?: string | null;
  /** Facts stay in the language they were stated in (the project's multilingual); else they are written in English. */
  multilingual?: boolean;
}

export interface ExtractedFact {
  /** A short standalone statement, e.g. "Loves hiking on weekends". */
  text: string;
  /** Who stated it: decides whether it is stored under user_id or agent_id. */
  source: 'user' | 'assistant';
}

export interface ExtractionResult {
  facts: ExtractedFact[];
  usage: TokenUsage;
}

export interface SimilarMemory {
  id: string;
  text: string;
  /** Cosine similarity in [0, 1] between the fact and this memory. */
  similarity: number;
}

export interface UpdateRequest {
  fact: string;
  /** Memories of the same scope most similar to the fact, best first. */
  similar: SimilarMemory[];
  instructions?: string | null;
  /** Where this call's tokens are added (the add reports its LLM usage). */
  usage?: TokenUsage;
}

/** The legacy (v1) pipeline's decision for one fact. */
export type UpdateDecision =
  | { event: 'ADD'; text: string }
  | { event: 'UPDATE'; id: string; text: string }
  | { event: 'DELETE'; id: string }
  | { event: 'NOOP'; id?: string };

export interface Category {
  name: string;
  description: string;
}

export interface CategorizeRequest {
  text: string;
  /** The active catalog; the answer only uses these names. */
  categories: Category[];
}

export interface RerankRequest {
  query: string;
  /** Candidates in their current order (best first). */
  documents: { id: string; text: string }[];
}

export interface SummaryRequest {
  /** Memory texts, newest first. */
  memories: string[];
  /** Project's summary_custom_instructions. */
  instructions?: string | null;
  /** Project's summary_max_tokens (cap of the LLM answer). */
  maxTokens?: number | null;
}

export interface SchemaFillRequest {
  /** A JSON Schema (object-rooted in practice); keys are kept verbatim. */
  schema: Record<string, unknown>;
  /** Memory texts, newest first: on contradictions the earlier one in the list wins. */
  memories: string[];
  /** The caller's export_instructions. */
  instructions?: string | null;
}

/** Memories a new fact contradicts (supersede) or restates with more detail (merge). */
export type LifecycleAction = 'supersede' | 'merge';

export interface LifecycleRequest {
  /** The add's new facts, each with the active memories of its scope most like it (best first). */
  facts: { text: string; candidates: SimilarMemory[] }[];
  /** Where this call's tokens are added. */
  usage?: TokenUsage;
}

export interface LifecycleDecision {
  /** Position of the fact in the request. */
  fact: number;
  memoryId: string;
  action: LifecycleAction;
  /** The fact only says the memory stopped being true and another fact of the add replaces it: nothing to store. */
  redundant?: boolean;
}

export interface SynthesisRequest {
  /** One user's memories, oldest first. */
  memories: { id: string; text: string; categories: string[] }[];
}

/** A higher-order pattern distilled from several memories (its evidence). */
export interface SynthesizedPattern {
  text: string;
  sourceIds: string[];
}

/** What summarize answers for an empty list of memories, without asking a model. */
export const NO_MEMORIES_SUMMARY = 'There are no memories to summarise.';

export interface LlmProvider {
  readonly name: string;
  /** Runs in process (no network call, no cost): an add categorises its memories itself rather than in a job. */
  readonly local: boolean;
  extractFacts(request: ExtractionRequest): Promise<ExtractionResult>;
  decideUpdate(request: UpdateRequest): Promise<UpdateDecision>;
  categorize(request: CategorizeRequest): Promise<string[]>;
  /** Relevance in [0, 1] per document id, or null when this provider has no reranker (callers keep their order). */
  rerank(request: RerankRequest): Promise<Map<string, number> | null>;
  /** A short prose summary of the memories (empty list -> a sentence saying there is nothing to summarise). */
  summarize(request: SummaryRequest): Promise<string>;
  /**
   * One JSON value shaped by the schema, filled only from the memories (null or empty where they say
   * nothing). Best effort: the caller validates it against the schema.
   */
  fillSchema(request: SchemaFillRequest): Promise<Record<string, unknown>>;
  /** Which candidates each new fact supersedes or merges (at most one action per memory). */
  judgeLifecycle(request: LifecycleRequest): Promise<LifecycleDecision[]>;
  /** Patterns across a user's memories, each naming the memories it comes from; none when nothing recurs. */
  synthesize(request: SynthesisRequest): Promise<SynthesizedPattern[]>;
}

export interface Embedder {
  /** Stable id stored with every vector, e.g. `hash-v1-384` or `openai:text-embedding-3-small:1536`. */
  readonly id: string;
  readonly dimensions: number;
  /** One unit-length vector per text, in order. Texts are never empty. */
  embed(texts: string[]): Promise<number[][]>;
}

/** A model that reads images: what an add's image shows, as text the extraction then reads like a message. */
export interface VisionModel {
  readonly model: string;
  /** `url` is an http(s) URL or a `data:image/...;base64,` URL. */
  describeImage(url: string, usage: TokenUsage): Promise<string>;
}

export const LLM_PROVIDER = Symbol('LLM_PROVIDER');
/** A VisionModel, or null when none is configured. */
export const VISION_MODEL = Symbol('VISION_MODEL');
export const EMBEDDER = Symbol('EMBEDDER');

/** The platform's default catalog. */
export const DEFAULT_CATEGORIES: Category[] = [
  { name: 'personal_details', description: 'Name, age, birthday, where one lives, personal identity and background' },
  { name: 'family', description: 'Family members, partner, children, parents, relatives and pets' },
  { name: 'professional_details', description: 'Job, employer, role, career, skills, work projects and colleagues' },
  { name: 'sports', description: 'Playing or following sports, teams, workouts, running, fitness' },
  { name: 'travel', description: 'Trips, destinations, flights, hotels, vacations and places visited' },
  { name: 'food', description: 'Food, dishes, cuisines, diets, cooking, restaurants and drinks' },
  { name: 'music', description: 'Music, songs, artists, bands, instruments and concerts' },
  { name: 'health', description: 'Health, medical conditions, allergies, medication, sleep and wellbeing' },
  { name: 'technology', description: 'Software, programming, computers, gadgets, apps and tools' },
  { name: 'hobbies', description: 'Hobbies and pastimes such as hiking, reading, gaming, painting, gardening' },
  { name: 'fashion', description: 'Clothes, style, brands, shoes and accessories' },
  { name: 'entertainment', description: 'Movies, TV shows, books, games, podcasts and celebrities' },
  { name: 'milestones', description: 'Life events and achievements: graduations, weddings, births, moves, promotions' },
  { name: 'user_preferences', description: 'Likes, dislikes, preferences and wishes on how things should be done' },
  { name: 'misc', description: 'Anything that fits no other category' },
];
