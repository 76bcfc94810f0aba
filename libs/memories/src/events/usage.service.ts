import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@app/core';
import { UsageDay, UsageRepository } from './usage.repository';

export const MAX_USAGE_DAYS = 365;
const DAY_MS = 86_400_000;

/** Memories added, add requests and searches per UTC day, for the dashboard's charts. */
@Injectable()
export class UsageService {
  constructor(private readonly usage: UsageRepository) {}

  async perDay(projectId: string, rawDays: unknown): Promise<{ days: UsageDay[] }> {
    const days = rawDays === undefined || rawDays === '' ? 30 : Number(rawDays);
    if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS) {
      throw AppError.detail(ErrorCode.BadRequest, `days must be an integer from 1 to ${MAX_USAGE_DAYS}.`);
    }
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    return { days: await this.usage.perDay(projectId, new Date(today - (days - 1) * DAY_MS), days) };
  }
}
