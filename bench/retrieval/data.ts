/**
 * Deterministic synthetic memories and queries: row i is always the same text, owner and metadata,
 * so a database grown from 10k to 100k to 1M holds exactly the rows a fresh 1M seed would.
 *
 * Owners: 90% of rows have a user_id drawn uniformly from 1000 users (u0..u999), 10% an agent_id
 * (agent0..agent19) and no user_id; so a u-user's scope grows with the table (about 9 rows at 10k, 900 at
 * 1M). Rows i < 10,000 with i % 11 = 0 (909) belong instead to 100 users of fixed size (s0..s99, about 9
 * each): the same scopes at every size, for search cost against the table's size alone.
 * metadata.bucket = i % 100 (so one bucket is 1% of the rows), categories follow the template's topic,
 * created_at is spread uniformly over the last 365 days.
 */

export const USERS = 1000;
export const FIXED_USERS = 100;
/** Rows below this index may belong to the fixed-size users (the smallest size the bench grows to). */
const FIXED_USER_ROWS = 10_000;
const AGENTS = 20;
const DAY_MS = 86_400_000;

const PEOPLE = (
  'Maria Ana Joao Pedro Sofia Lucas Emma Liam Olivia Noah Ava Mia Ethan Chloe Leo Nina Omar Aisha Yuki Kenji ' +
  'Hana Ravi Priya Arjun Fatima Hassan Ingrid Lars Freya Mateo Valentina Diego Camila Tomas Elena Ivan Olga ' +
  'Dmitri Zoe Jack Grace Henry Alice Oscar Ruby Felix Clara Hugo Iris Victor Julia Marco Paola Kofi Amara Sven'
).split(' ');
const RELATIONS = 'sister brother mother father cousin friend neighbour coworker partner son daughter uncle aunt'.split(
  ' ',
);
const FOODS = (
  'ramen sushi tacos lasagna paella curry pho falafel dumplings risotto pizza burritos croissants pancakes ' +
  'goulash kimchi ceviche hummus pad_thai bibimbap moussaka empanadas gnocchi biryani shakshuka pierogi ' +
  'tiramisu cheesecake brownies gelato waffles sourdough bagels oysters lobster salmon steak tofu tempeh quinoa'
)
  .split(' ')
  .map((food) => food.replace('_', ' '));
const DRINKS = 'espresso green_tea matcha cold_brew lemonade kombucha red_wine craft_beer chai oat_latte mint_tea cider'
  .split(' ')
  .map((drink) => drink.replace('_', ' '));
const PLACES = (
  'Lisbon Porto Madrid Barcelona Paris Lyon Berlin Munich Vienna Prague Warsaw Krakow Rome Milan Naples Athens ' +
  'Istanbul Cairo Nairobi Lagos Dubai Mumbai Delhi Bangkok Hanoi Seoul Tokyo Osaka Kyoto Sydney Melbourne ' +
  'Auckland Toronto Vancouver Montreal Chicago Boston Seattle Denver Austin Lima Bogota Santiago Oslo Stockholm'
).split(' ');
const HOBBIES = (
  'hiking climbing surfing knitting pottery painting gardening chess photography birdwatching baking running ' +
  'cycling swimming yoga skiing fishing camping woodworking calligraphy origami juggling kayaking sailing ' +
  'archery fencing dancing singing drumming skateboarding'
).split(' ');
const JOBS = (
  'nurse teacher architect data_engineer accountant pilot chef firefighter dentist lawyer librarian pharmacist ' +
  'electrician plumber journalist translator veterinarian designer product_manager researcher barista ' +
  'carpenter paramedic therapist'
)
  .split(' ')
  .map((job) => job.replace('_', ' '));
const PETS = 'dog cat parrot hamster rabbit goldfish turtle ferret'.split(' ');
const LANGUAGES = 'Spanish French German Japanese Italian Portuguese Korean Mandarin Arabic Swedish'.split(' ');
const SPORTS_TEAMS = 'Benfica Arsenal Lakers Yankees Celtics Juventus Ajax Barcelona Bayern Warriors'.split(' ');
const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const DAYS = 'Monday Tuesday Wednesday Thursday Friday Saturday Sunday'.split(' ');
const GENRES = 'jazz techno folk opera punk reggae blues hip-hop classical country'.split(' ');
const CONDITIONS = 'asthma migraines insomnia diabetes back pain hay fever lactose intolerance'.split(' ');
const SOURCES = ['chat', 'email', 'import', 'voice', 'mobile'];

export interface Picker {
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

type Template = [category: string, render: (p: Picker) => string];

const TEMPLATES: Template[] = [
  ['food', (p) => `Loves eating ${p.pick(FOODS)} at a small place in ${p.pick(PLACES)}`],
  ['food', (p) => `Cooks ${p.pick(FOODS)} for ${p.pick(PEOPLE)} every ${p.pick(DAYS)}`],
  ['food', (p) => `Prefers ${p.pick(DRINKS)} over ${p.pick(DRINKS)} in the morning`],
  ['health', (p) => `Is allergic to ${p.pick(FOODS)} and avoids it at restaurants`],
  ['health', (p) => `Has had ${p.pick(CONDITIONS)} since ${1990 + p.int(35)} and takes medication for it`],
  ['professional_details', (p) => `Works as a ${p.pick(JOBS)} in ${p.pick(PLACES)} since ${1995 + p.int(31)}`],
  ['professional_details', (p) => `Got promoted to senior ${p.pick(JOBS)} after ${2 + p.int(15)} years`],
  ['family', (p) => `Their ${p.pick(RELATIONS)} ${p.pick(PEOPLE)} is a ${p.pick(JOBS)} living in ${p.pick(PLACES)}`],
  ['family', (p) => `Has a ${p.pick(PETS)} named ${p.pick(PEOPLE)} who is ${1 + p.int(14)} years old`],
  ['hobbies', (p) => `Goes ${p.pick(HOBBIES)} with ${p.pick(PEOPLE)} on ${p.pick(DAYS)}s`],
  ['hobbies', (p) => `Started ${p.pick(HOBBIES)} ${2 + p.int(20)} months ago and wants to try ${p.pick(HOBBIES)}`],
  ['travel', (p) => `Is planning a trip to ${p.pick(PLACES)} in ${p.pick(MONTHS)} ${2025 + p.int(3)}`],
  ['travel', (p) => `Visited ${p.pick(PLACES)} and ${p.pick(PLACES)} last ${p.pick(MONTHS)} with ${p.pick(PEOPLE)}`],
  [
    'personal_details',
    (p) => `Was born in ${p.pick(PLACES)} in ${1950 + p.int(56)} and now lives in ${p.pick(PLACES)}`,
  ],
  [
    'personal_details',
    (p) => `Is learning ${p.pick(LANGUAGES)} to talk with their ${p.pick(RELATIONS)} ${p.pick(PEOPLE)}`,
  ],
  ['sports', (p) => `Supports ${p.pick(SPORTS_TEAMS)} and plays five-a-side football on ${p.pick(DAYS)}s`],
  ['sports', (p) => `Runs ${3 + p.int(40)} km a week and is training for a race in ${p.pick(PLACES)}`],
  ['music', (p) => `Listens to ${p.pick(GENRES)} while ${p.pick(HOBBIES)} and plays the guitar`],
  ['entertainment', (p) => `Is rereading a ${p.pick(GENRES)}-themed novel set in ${p.pick(PLACES)}`],
  ['user_preferences', (p) => `Wants reminders on ${p.pick(DAYS)} mornings and dislikes ${p.pick(FOODS)}`],
  ['milestones', (p) => `Married ${p.pick(PEOPLE)} in ${p.pick(PLACES)} in ${1980 + p.int(46)}`],
  ['technology', (p) => `Uses a laptop for ${p.pick(HOBBIES)} photos and is learning Python with ${p.pick(PEOPLE)}`],
];

/** 1-2 of these follow the main sentence, so texts rarely repeat (>95% distinct at 1M rows). */
const SUFFIXES: ((p: Picker) => string)[] = [
  (p) => ` since ${1990 + p.int(36)}`,
  (p) => `, says ${p.pick(PEOPLE)}`,
  (p) => ` near ${p.pick(PLACES)}`,
  (p) => ` with their ${p.pick(RELATIONS)} ${p.pick(PEOPLE)}`,
  (p) => `, usually around ${1 + p.int(12)} ${p.pick(['am', 'pm'])}`,
  (p) => ` (${2 + p.int(60)} times so far)`,
  (p) => `, mentioned while talking about ${p.pick(HOBBIES)}`,
  (p) => ` and also likes ${p.pick(FOODS)}`,
  (p) => ` every ${p.pick(DAYS)} in ${p.pick(MONTHS)}`,
  (p) => `, drinking ${p.pick(DRINKS)}`,
];

const QUERIES: ((p: Picker) => string)[] = [
  (p) => `What food does the user like in ${p.pick(PLACES)}?`,
  (p) => `allergic to ${p.pick(FOODS)}`,
  (p) => `Where does their ${p.pick(RELATIONS)} live?`,
  (p) => `job as a ${p.pick(JOBS)}`,
  (p) => `trip to ${p.pick(PLACES)} in ${p.pick(MONTHS)}`,
  (p) => `${p.pick(HOBBIES)} on weekends`,
  (p) => `Which pet do they have, a ${p.pick(PETS)}?`,
  (p) => `favourite drink ${p.pick(DRINKS)}`,
  (p) => `learning ${p.pick(LANGUAGES)}`,
  (p) => `health problems like ${p.pick(CONDITIONS)}`,
  (p) => `cooking ${p.pick(FOODS)} for family`,
  (p) => `Which team does the user support? ${p.pick(SPORTS_TEAMS)}`,
  (p) => `music taste ${p.pick(GENRES)}`,
  (p) => `married in ${p.pick(PLACES)}`,
  (p) => `${p.pick(PEOPLE)} ${p.pick(HOBBIES)}`,
];

/** Most queries get one qualifier, so a scenario's 1000 request bodies rarely repeat a text. */
const QUALIFIERS: ((p: Picker) => string)[] = [
  (p) => ` with ${p.pick(PEOPLE)}`,
  (p) => ` in ${p.pick(MONTHS)}`,
  (p) => ` near ${p.pick(PLACES)}`,
  (p) => ` since ${1990 + p.int(36)}`,
  (p) => ` on ${p.pick(DAYS)}s`,
  (p) => ` and ${p.pick(FOODS)}`,
];

/** mulberry32: a tiny fast PRNG with a 32-bit state. */
export function rng(seed: number): Picker {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

export interface SyntheticRow {
  text: string;
  userId: string | null;
  agentId: string | null;
  metadata: { bucket: number; source: string };
  categories: string[];
  createdAt: Date;
}

/** The i-th memory; `now` anchors the one-year created_at spread. */
export function syntheticRow(i: number, now: number): SyntheticRow {
  const p = rng(Math.imul(i + 1, 0x9e3779b1) ^ 0x5bd1e995);
  const [category, render] = p.pick(TEMPLATES);
  const isAgent = p.int(10) === 0;
  const text = render(p) + Array.from({ length: 1 + p.int(2) }, () => p.pick(SUFFIXES)(p)).join('');
  const owner = isAgent ? `agent${p.int(AGENTS)}` : `u${p.int(USERS)}`;
  const fixed = i < FIXED_USER_ROWS && i % 11 === 0;
  return {
    text,
    userId: fixed ? `s${i % FIXED_USERS}` : isAgent ? null : owner,
    agentId: !fixed && isAgent ? owner : null,
    metadata: { bucket: i % 100, source: SOURCES[p.int(SOURCES.length)] },
    categories: [category],
    createdAt: new Date(now - p.int(365 * DAY_MS)),
  };
}

/** `count` query texts (deterministic for a seed), never empty. */
export function queryTexts(count: number, seed: number): string[] {
  const p = rng(seed);
  return Array.from({ length: count }, () => {
    const base = p.pick(QUERIES)(p);
    const qualifier = p.int(5) ? p.pick(QUALIFIERS)(p) : '';
    return base.endsWith('?') ? `${base.slice(0, -1)}${qualifier}?` : base + qualifier;
  });
}

/** Random user ids for requests. */
export function userIds(count: number, seed: number): string[] {
  const p = rng(seed);
  return Array.from({ length: count }, () => `u${p.int(USERS)}`);
}
