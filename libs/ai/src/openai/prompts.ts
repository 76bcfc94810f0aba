import {
  CategorizeRequest,
  ChatMessage,
  ExtractionRequest,
  RerankRequest,
  SchemaFillRequest,
  SummaryRequest,
  UpdateRequest,
} from '../ai.types';

/** One system + one user message, sent in JSON mode (the summary prompt asks for plain text). */
export interface PromptPair {
  system: string;
  user: string;
}

/* Section headings of the user messages; the test fake server parses the message lines under them. */
export const CONTEXT_HEADING = 'Earlier conversation (context only, do not extract facts from it):';
export const NEW_MESSAGES_HEADING = 'New messages (extract facts from these):';
export const EXISTING_MEMORIES_HEADING = 'Existing memories:';
export const NEW_FACT_HEADING = 'New fact:';
export const MEMORY_HEADING = 'Memory:';
export const SEARCH_QUERY_HEADING = 'Search query:';
export const DOCUMENTS_HEADING = 'Documents:';
export const SUMMARY_MEMORIES_HEADING = 'Memories, newest first:';
export const SCHEMA_HEADING = 'JSON Schema to fill:';
export const EXPORT_MEMORIES_HEADING = 'Memories (the only source of facts), newest first:';

/** Per-document cap in the rerank prompt; memories are short facts, this only bounds pathological ones. */
const MAX_RERANK_TEXT = 1000;
/** Memory text sent for a summary or an export (~12k tokens); the oldest memories beyond it are left out. */
const MAX_SUMMARY_INPUT_CHARS = 48_000;

const EXTRACTION_RULES = `You extract memories from a conversation between a user and an AI assistant: short, standalone facts that are worth remembering in later conversations.

Rules:
1. Extract facts only from the messages under "New messages". Messages under "Earlier conversation" are there to resolve references (pronouns such as "he", "it" or "there", short replies such as "yes, that one"); never extract a fact that is stated only in the earlier conversation.
2. Facts stated in user messages get "source": "user": what the user tells about themselves, their life, family, work, health, plans, preferences and opinions.
3. Facts stated in assistant messages get "source": "assistant": what the assistant says about itself (its name, persona, preferences, abilities), commitments it makes and specific recommendations it gives. Do not turn its generic explanations, greetings or questions into facts, and never attribute to the user something only the assistant said.
4. System messages are background only; never extract facts from them.
5. Write every fact as a short third-person statement without a subject: "Loves hiking on weekends", "Has a dog named Rex", "Is allergic to peanuts", "Recommended the Thai restaurant on 5th Street". One piece of information per fact; keep names, numbers, dates and places.
6. Each fact must make sense on its own: resolve references with the earlier conversation ("He turned 5" after the user named their dog Rex becomes "Dog Rex turned 5") and turn relative dates into absolute ones using today's date.
7. A change of state is a new fact of its own ("Moved from New York to San Francisco").
8. A message may carry the speaker's name; use it to understand who speaks, but the source is always decided by the message role.
9. Skip small talk, greetings, questions without information, and anything trivial.`;

const EXTRACTION_FORMAT = `Respond with a single JSON object and nothing else, in this shape:
{"facts": [{"text": "Loves hiking on weekends", "source": "user"}, {"text": "Will send a packing list on Friday", "source": "assistant"}]}
"source" is "user" or "assistant". Return {"facts": []} when there is nothing worth remembering.`;

const EXTRACTION_EXAMPLES = `Examples:
New messages: {"role":"user","content":"Hi, how are you?"}
Answer: {"facts": []}

Earlier conversation: {"role":"user","content":"I adopted a beagle called Max last year."}
New messages: {"role":"user","content":"He hates the rain, so we only walk in the mornings."} {"role":"assistant","content":"Got it! I'm Juno, by the way. I'll remind you to check the forecast each morning."}
Answer: {"facts": [{"text": "Dog Max hates the rain", "source": "user"}, {"text": "Walks dog Max only in the mornings", "source": "user"}, {"text": "Is named Juno", "source": "assistant"}, {"text": "Will remind the user to check the forecast each morning", "source": "assistant"}]}`;

const KEEP_LANGUAGE =
  'Write each fact in the language of the message it comes from (a French message gives a French fact); never translate.';
const IN_ENGLISH = 'Write every fact in English, translating facts stated in other languages.';

export function buildExtractionPrompt(request: ExtractionRequest, now: Date = new Date()): PromptPair {
  const customPrompt = request.customPrompt?.trim();
  const sections = customPrompt
    ? [customPrompt]
    : [EXTRACTION_RULES, `Today's date is ${now.toISOString().slice(0, 10)}.`, EXTRACTION_EXAMPLES];
  sections.push(request.multilingual ? KEEP_LANGUAGE : IN_ENGLISH);
  sections.push(...extractionInstructions(request), EXTRACTION_FORMAT);

  const user: string[] = [];
  if (request.context.length > 0) user.push(CONTEXT_HEADING, ...request.context.map(formatMessage), '');
  user.push(NEW_MESSAGES_HEADING, ...request.messages.map(formatMessage));
  return { system: sections.join('\n\n'), user: user.join('\n') };
}

/** custom_instructions govern user facts, agent_custom_instructions assistant facts (falling back to the former). */
function extractionInstructions(request: ExtractionRequest): string[] {
  const userRules = request.customInstructions?.trim();
  const agentRules = request.agentCustomInstructions?.trim() || userRules;
  const sections: string[] = [];
  if (userRules && userRules === agentRules) {
    sections.push(`Instructions for all facts (they take precedence over the rules above):\n${userRules}`);
  } else {
    if (userRules) {
      sections.push(
        `Instructions for facts from user messages (they take precedence over the rules above):\n${userRules}`,
      );
    }
    if (agentRules) {
      sections.push(
        `Instructions for facts from assistant messages (they take precedence over the rules above):\n${agentRules}`,
      );
    }
  }
  const includes = request.includes?.trim();
  const excludes = request.excludes?.trim();
  if (includes) sections.push(`Make sure to capture information of this kind:\n${includes}`);
  if (excludes) sections.push(`Never extract information of this kind:\n${excludes}`);
  return sections;
}

/* One JSON object per line keeps message boundaries unambiguous whatever the content contains. */
function formatMessage(message: ChatMessage): string {
  const line: Record<string, string> = { role: message.role };
  if (message.name) line.name = message.name;
  line.content = message.content;
  return JSON.stringify(line);
}

const UPDATE_RULES = `You maintain a long-term memory store. Compare a new fact with the existing memories most similar to it and choose exactly one operation:
- ADD: the fact carries information that no existing memory captures. Answer {"event": "ADD", "text": "<the fact>"}.
- UPDATE: the fact is about the same subject as one existing memory and adds detail to it or changes it (for example "Likes pizza" and the new fact "Loves pepperoni pizza", or "Lives in New York" and "Moved to San Francisco"). Answer {"event": "UPDATE", "id": "<id of that memory>", "text": "<the updated memory>"}, where the text keeps everything from the old memory that is still true and adds the new information, in the same short style.
- DELETE: the fact says an existing memory is no longer true, or asks to forget it, and leaves nothing new to store (for example "Likes cheese pizza" and the new fact "Does not like cheese pizza anymore"). Answer {"event": "DELETE", "id": "<id of that memory>"}.
- NOOP: an existing memory already says the same thing, even in other words. Answer {"event": "NOOP", "id": "<id of that memory>"}.
Use only ids from the list of existing memories. Respond with a single JSON object and nothing else.`;

/** Memories are numbered 0..n-1 so the model never has to copy a UUID; the caller maps the number back. */
export function buildUpdatePrompt(request: UpdateRequest): PromptPair {
  const sections = [UPDATE_RULES];
  const instructions = request.instructions?.trim();
  if (instructions) sections.push(`Project instructions (they take precedence over the rules above):\n${instructions}`);
  const memories = request.similar.map((memory, index) => JSON.stringify({ id: String(index), text: memory.text }));
  const user = [EXISTING_MEMORIES_HEADING, ...memories, '', NEW_FACT_HEADING, JSON.stringify(request.fact)];
  return { system: sections.join('\n\n'), user: user.join('\n') };
}

export function buildCategorizePrompt(request: CategorizeRequest): PromptPair {
  const catalog = request.categories.map((category) => `- ${category.name}: ${category.description}`).join('\n');
  const fallback = request.categories.some((category) => category.name === 'misc')
    ? 'If no other category fits, answer ["misc"].'
    : 'If no category fits, answer an empty list.';
  const system = `You sort memories into categories. Choose every category from the list below that clearly applies to the memory, usually one or two. Use the names exactly as written in the list and never invent new ones. ${fallback}

Categories:
${catalog}

Respond with a single JSON object and nothing else, in this shape:
{"categories": ["name", "other_name"]}`;
  return { system, user: `${MEMORY_HEADING}\n${request.text}` };
}

const RERANK_RULES = `You rank search results. You get a search query and a list of documents: memories, i.e. short facts about a user or an assistant. Rate how relevant each document is to the query with a score from 0 to 1:
- 1: answers the query directly or is exactly what it asks about.
- 0.7: clearly related and useful for answering it.
- 0.4: same broad topic, only partly useful.
- 0.1: barely related.
- 0: unrelated.
Judge meaning, not shared words: paraphrases and synonyms count ("Is vegetarian" is highly relevant to "what does she eat?"), a document that only repeats a word of the query in another sense does not. Judge each document on its own; their order says nothing.

Score every document, using the ids exactly as given. Respond with a single JSON object and nothing else, in this shape:
{"scores": {"0": 0.92, "1": 0.15, "2": 0}}`;

/** Documents are numbered 0..n-1 like the update prompt's memories; the caller maps the numbers back to ids. */
export function buildRerankPrompt(request: RerankRequest): PromptPair {
  const documents = request.documents.map((document, index) =>
    JSON.stringify({ id: String(index), text: document.text.slice(0, MAX_RERANK_TEXT) }),
  );
  const user = [SEARCH_QUERY_HEADING, JSON.stringify(request.query), '', DOCUMENTS_HEADING, ...documents];
  return { system: RERANK_RULES, user: user.join('\n') };
}

const SUMMARY_RULES = `You summarise what a memory store knows. You get memories, i.e. short facts about a user or an assistant, newest first. Write a short, readable summary of them in plain prose:
- Group related facts (personal details, family, work, health, preferences, plans...) instead of repeating the list one memory at a time.
- When memories contradict each other, the newer one (higher in the list) is the current state; mention the older one only as a past state.
- Use only what the memories say; never invent details, never add advice or commentary.
- Write in the third person ("The user ..."), in the language of the memories. No headings, no Markdown, no preamble such as "Here is the summary".
Reply with the summary text only.`;

export function buildSummaryPrompt(request: SummaryRequest): PromptPair {
  const sections = [SUMMARY_RULES];
  const instructions = request.instructions?.trim();
  if (instructions) sections.push(`Project instructions (they take precedence over the rules above):\n${instructions}`);
  const maxTokens = Math.floor(request.maxTokens ?? 0);
  if (maxTokens > 0) {
    const words = Math.max(1, Math.floor(maxTokens * 0.75));
    sections.push(
      `The summary must fit in ${maxTokens} tokens (about ${words} words); keep the most important and newest facts.`,
    );
  }
  return {
    system: sections.join('\n\n'),
    user: [SUMMARY_MEMORIES_HEADING, ...memoryLines(request.memories)].join('\n'),
  };
}

/** One JSON string per memory, newest first, up to the input budget; a note says how many older ones were left out. */
function memoryLines(memories: string[]): string[] {
  const lines: string[] = [];
  let used = 0;
  for (const memory of memories) {
    const line = JSON.stringify(memory.trim());
    if (line === '""') continue;
    if (used + line.length > MAX_SUMMARY_INPUT_CHARS && lines.length > 0) break;
    lines.push(line);
    used += line.length + 1;
  }
  const omitted = memories.filter((m) => m.trim()).length - lines.length;
  if (omitted > 0) lines.push('', `(${omitted} older memories left out for length.)`);
  return lines;
}

const SCHEMA_FILL_RULES = `You export what a memory store knows into a structured document. You get a JSON Schema and memories, i.e. short facts about a user or an assistant, newest first. Produce one JSON object that is valid against the schema:
- Use the property names exactly as in the schema, with the types, formats and enums it asks for, and include every required property.
- Fill it using only what the memories say. Never invent or guess details, and never use outside knowledge.
- When memories contradict each other, the newest one (higher in the list) is the current state.
- A property the memories say nothing about is null when the schema allows null; otherwise an empty string, an empty list, or an object whose own properties follow these rules. Give numbers and booleans only when a memory states them.
- Follow the titles and descriptions in the schema; they say what each property is for.
Respond with the JSON object only, without a wrapper key.`;

/** The schema goes first: its heading tells the request apart from the others. */
export function buildSchemaFillPrompt(request: SchemaFillRequest): PromptPair {
  const sections = [SCHEMA_FILL_RULES];
  const instructions = request.instructions?.trim();
  if (instructions) {
    sections.push(
      `Export instructions (they take precedence over the rules above, but not over the schema):\n${instructions}`,
    );
  }
  const user = [
    SCHEMA_HEADING,
    JSON.stringify(request.schema),
    '',
    EXPORT_MEMORIES_HEADING,
    ...memoryLines(request.memories),
  ];
  return { system: sections.join('\n\n'), user: user.join('\n') };
}
