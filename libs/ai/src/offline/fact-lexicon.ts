/** Word lists and patterns of the rule-based fact extractor (English). */

export type Gender = 'male' | 'female' | 'person' | 'thing' | 'any';

/** `words('a b', 'c d')` -> "a|b|c|d"; underscores stand for spaces inside one alternative. */
export const words = (...lists: string[]): string => lists.join(' ').trim().split(/\s+/).join('|').replace(/_/g, ' ');
export const startsWith = (...lists: string[]): RegExp => new RegExp(`^(?:${words(...lists)})(?![\\w'])`, 'i');

export const GENDER_OF = new Map<string, Gender>(
  Object.entries({
    male: 'husband son brother father dad grandfather grandpa uncle nephew boyfriend fiance stepson stepdad',
    female:
      'wife daughter sister mother mom mum grandmother grandma aunt niece girlfriend fiancee stepdaughter stepmom',
    person: 'partner spouse kid child baby friend boss manager colleague coworker roommate neighbor neighbour cousin',
    any: 'dog puppy cat kitten rabbit bunny hamster parrot bird horse fish turtle',
  }).flatMap(([gender, kinds]) => kinds.split(' ').map((kind) => [kind, gender as Gender] as const)),
);
export const KIND_WORDS = [...GENDER_OF.keys()].join('|');
export const DETERMINER = '(?:[Aa]n?|[Mm]y|[Oo]ur|[Tt]he|[Hh]is|[Hh]er|[Tt]heir)';
export const NAME = "([A-Z][\\p{L}'-]+)";

export const FILLER_WORDS = new RegExp(
  `^(?:(?:${words(
    'oh ah well so and but also actually anyway btw by_the_way yeah yes yep no nope ok okay um uh hmm haha lol fyi',
    'honestly hey hi hello hey_there hi_there dear sure alright right just_so_you_know for_the_record to_be_honest',
  )})(?:[,!.:;-]\\s*|\\s+))+`,
  'i',
);
export const SMALL_TALK = new RegExp(
  `^(?:${words(
    'hi hello hey yo hiya howdy greetings good_(?:morning|afternoon|evening|night)',
    'thanks?(?:\\b.*)? thank_you.* thx\\b.* ty cheers ok(?:ay)? k cool great nice awesome perfect sure yes no yep nope',
    'got_it sounds_(?:good|great) bye goodbye',
    'see_you.* talk_(?:to_you_)?(?:later|soon) have_a_(?:good|nice|great)_.* how_are_you.* what.s_up sup lol haha',
    'hmm+ wow me_too same_here you_too no_problem np of_course never_?mind not_much nothing_much good_to_know',
    "makes_sense (?:that|this|it)(?:'s|_is|_was|_sounds|_looks)_(?:great|good|nice|cool|awesome|perfect|helpful|fine)",
  )})$`,
  'i',
);
export const USER_FILLER = new RegExp(
  `^I(?:'m| am) (?:just |so |really )?(?:${words(
    'wondering curious back here ready not_sure sorry fine good great ok okay well alright',
    '(?:glad|happy)_(?:that_)?you.*',
    'doing_(?:well|good|great|fine|ok|okay|alright)',
  )})(?:,? (?:thanks|thank you|too|as well|now)\\b.*)?$|` +
    `^I (?:${words("see know agree understand guess suppose think_so hope_so mean forgot don't_know do_not_know")})` +
    `(?: (?:that|it|so|what you mean|right))?$|^I (?:${words(
      'have_a_question was_(?:just_)?(?:wondering|asking|curious)',
      "(?:don't|do_not)_know_(?:what|if|whether|why|where|when|how) (?:want|would_like|'d_like)_to_(?:know|ask)",
      "(?:'m|am)_(?:looking|asking)_for_(?:help|advice|ideas|suggestions|tips)",
      "(?:need|want|would_like|'d_like)_(?:you|your_help|some_help|help|advice|some_advice|ideas|suggestions|tips)",
    )})\\b`,
  'i',
);
export const ASSISTANT_FILLER = new RegExp(
  `^I(?:'m| am|'d| would|'ll| will|'ve| have)? (?:be )?(?:${words(
    'noted made_a_note saved remembered stored recorded happy glad sorry afraid here ready excited delighted sure',
    "not_sure unable hope understand see think believe know can could cannot can't apologi[sz]e agree appreciate",
    'noticed mean love_to_help help try do_my_best keep_(?:that|this|it)_in_mind remember make_sure note look_into',
    'get_back',
  )})\\b`,
  'i',
);
export const QUESTION_START = startsWith(
  "what what's whats who who's whom whose where where's when when's why how how's which is are was were do does did",
  "can could would will should shall may might has have had am isn't aren't don't doesn't didn't won't wouldn't",
  "can't couldn't shouldn't any_?(?:idea|thoughts|tips|suggestions)",
);
export const COMMAND_START = startsWith(
  "please pls kindly let's lets let_me tell_me show_me give_me help_me get_me remind_me find search look_up book",
  'schedule set create make write draft send text explain summari[sz]e translate list recommend suggest check play',
  'open add remove delete cancel buy order plan generate calculate compare describe go_ahead try imagine pretend',
  "act_as I_(?:want|need)_you_to I(?:'d|_would)_like_you_to could_you can_you would_you will_you",
);
export const MEMORY_WRAPPER = new RegExp(
  `^(?:(?:please|pls|can you|could you|would you|will you)\\s+)?(?:${words(
    "remember note keep_in_mind don't_forget do_not_forget make_a_note take_note save store",
  )})\\s+(?:that\\s+|this:?\\s+)?(?!to\\b)`,
  'i',
);
export const DROPPED_ADVERBS = new RegExp(
  `^(?:${words('really actually also just totally absolutely definitely honestly literally truly kinda basically')})` +
    '\\s+',
  'i',
);
export const KEPT_ADVERBS = new RegExp(
  `^(?:${words('always often never sometimes seldom still now no_longer hardly_ever even only soon')}|` +
    '(?!(?:apply|reply|rely|supply|imply|multiply|comply|rally|bully)\\b)[a-z]{3,}ly)\\s+',
  'i',
);
export const IRREGULAR_PAST = new Set(
  (
    'went got had was were made took bought saw met began ran ate drank grew became came left lost won found gave ' +
    'thought felt knew told said wrote broke built chose drove flew fell forgot heard kept led paid sold sent sat ' +
    'slept spent ' +
    'spoke stood taught understood woke wore swam sang did been brought caught fought held meant rode shot stole threw'
  ).split(' '),
);
export const AUXILIARIES = new Map(
  (
    'am:is are:is was:was were:was have:has has:has had:had will:will shall:will would:would can:can could:could ' +
    "should:should may:may might:might must:must do:does does:does did:did cannot:cannot can't:cannot won't:will_not " +
    "don't:does_not doesn't:does_not didn't:did_not haven't:has_not hasn't:has_not hadn't:had_not wasn't:was_not " +
    "weren't:was_not wouldn't:would_not couldn't:could_not shouldn't:should_not aren't:is_not ain't:is_not " +
    'used_to:used_to'
  )
    .split(' ')
    .map((pair) => pair.replace(/_/g, ' ').split(':') as [string, string]),
);
export const AUXILIARY_START = new RegExp(
  `^(${[...AUXILIARIES.keys()].sort((a, b) => b.length - a.length).join('|')})(?![\\w'])`,
  'i',
);
/**
 * A fact already written without its subject, as this extractor writes them and as exports and imports
 * carry them ("Prefers trains over planes", "Is allergic to nuts", "Name is Ana"): a third-person verb
 * first, then something about it. The second word rules out plural subjects ("Dogs are ...") and the
 * chatter verbs ("Sounds good", "Seems fine") stay out.
 */
export const SUBJECTLESS_FACT = new RegExp(
  "^(?:Name(?:'s| is)|Is|Was|Has|Had|Does|Did|Can|Cannot|Will|Would|Used to|(?!(?:" +
    words('Sounds Seems Looks Thanks Means Depends Happens Works_for_me Goes_without Makes_sense') +
    ')\\b)[A-Z][a-z]+[^s\\W]s)\\s+(?!(?:are|were|have|do|did|will|can|is|was|has|of|and|or|I|we|you|he|she|it|they|anyone|anybody|someone|somebody|there|this|that)\\b)\\S',
);
/**
 * The user's possession or relation as subject, with its "my" already dropped ("Sister Emma lives in
 * Oslo", "Favourite color is blue", "Dog is called Rex"): a fact about the user in written-out form.
 */
export const POSSESSED_FACT = new RegExp(
  `^(?:(?:${KIND_WORDS})|favou?rite \\w+|name|birthday|job|age|hometown)\\b(?:\\s+${NAME})?` +
    `\\s+(?:is|was|has|had|[a-z]+s|[a-z]+ed)\\b`,
  'iu',
);
/* A new clause starts at "and I ...", ", but my ...", "; she ...": each gets its own fact. */
export const CLAUSE_BREAK = new RegExp(
  ",?\\s+(?:and|but|so|plus|also|though)\\s+(?=(?:I|I'm|I've|I'll|I'd|my|we|we're|our|he|she|they)\\b)|" +
    ",\\s+(?=(?:I|I'm|I've|I'll|I'd|my)\\s)",
);
/* Tails that carry no fact: ", so please keep that in mind", ", thanks", " and it was great". */
export const TRAILING_CHATTER = new RegExp(
  ',?\\s+(?:(?:so|and)\\s+)?(?:please|can you|could you|would you|thanks|thank you|by the way|btw|haha|lol)\\b.*$|' +
    ",\\s*so\\s.*$|,?\\s+and (?:it|that|this)(?:'s| is| was)\\b.*$",
  'i',
);
export const INTRODUCTION = new RegExp(
  `^(?:I'm|I am|[Tt]his is|I go by|(?:[Yy]ou can |[Pp]lease )?[Cc]all me)\\s+` +
    `(${NAME.slice(1, -1)}(?:\\s+${NAME.slice(1, -1)})?)$`,
  'u',
);
export const CONTRACTIONS: Record<string, string> = { m: 'am', re: 'are', ve: 'have', ll: 'will', d: 'would' };
export const NOT_NAMES = new Set(
  (
    'I Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August ' +
    'September October November December Mom Dad Mum'
  ).split(' '),
);
export const DEMONYMS = new Set(
  (
    'american british english scottish irish welsh canadian mexican brazilian argentinian french german italian ' +
    'spanish ' +
    'portuguese dutch belgian swiss austrian swedish norwegian danish finnish polish czech greek turkish russian ' +
    'ukrainian indian pakistani chinese japanese korean vietnamese thai filipino indonesian australian nigerian ' +
    'egyptian moroccan israeli iranian vegan vegetarian catholic christian muslim jewish buddhist hindu atheist'
  ).split(' '),
);
