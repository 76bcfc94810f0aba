import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One turn of a LoCoMo conversation, as the bench adds it. */
export interface Turn {
  diaId: string;
  speaker: string;
  /** What is stored: "Speaker: text", with a shared photo's caption appended. */
  text: string;
  session: number;
  /** Unix seconds of the session's date. */
  timestamp: number;
}

export interface Question {
  question: string;
  evidence: string[];
  category: number;
}

export interface Conversation {
  id: string;
  speakers: [string, string];
  turns: Turn[];
  questions: Question[];
}

interface RawTurn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}

interface RawConversation {
  sample_id: string;
  conversation: Record<string, unknown> & { speaker_a: string; speaker_b: string };
  qa: { question: string; evidence?: string[]; category: number }[];
}

/** The dataset lives beside the project (never copied into it). */
export const DEFAULT_DATASET = join(__dirname, '..', '..', '..', 'shared', 'benchmarks', 'locomo', 'locomo-dev.json');

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** "1:56 pm on 8 May, 2023" -> Unix seconds (UTC). */
export function sessionTimestamp(value: string): number {
  const match = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})/i.exec(value);
  if (!match) throw new Error(`unreadable session date: ${value}`);
  const [, hour, minute, half, day, month, year] = match;
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  if (monthIndex < 0) throw new Error(`unreadable month: ${value}`);
  const hours = (Number(hour) % 12) + (half.toLowerCase() === 'pm' ? 12 : 0);
  return Date.UTC(Number(year), monthIndex, Number(day), hours, Number(minute)) / 1000;
}

/** Questions of categories 1-4 (5 is adversarial: its evidence answers a different question). */
export function loadConversations(file: string, limit?: number): Conversation[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawConversation[];
  return raw.slice(0, limit ?? raw.length).map((record) => {
    const { conversation } = record;
    const turns: Turn[] = [];
    for (let session = 1; conversation[`session_${session}_date_time`] !== undefined; session++) {
      const timestamp = sessionTimestamp(String(conversation[`session_${session}_date_time`]));
      for (const turn of (conversation[`session_${session}`] as RawTurn[] | undefined) ?? []) {
        const photo = turn.blip_caption ? ` [shares a photo of ${turn.blip_caption}]` : '';
        turns.push({
          diaId: turn.dia_id,
          speaker: turn.speaker,
          text: `${turn.speaker}: ${turn.text}${photo}`,
          session,
          timestamp,
        });
      }
    }
    const questions = record.qa
      .filter((qa) => qa.category >= 1 && qa.category <= 4 && (qa.evidence?.length ?? 0) > 0)
      .map((qa) => ({ question: qa.question, evidence: qa.evidence ?? [], category: qa.category }));
    return {
      id: record.sample_id,
      speakers: [conversation.speaker_a, conversation.speaker_b],
      turns,
      questions,
    };
  });
}
