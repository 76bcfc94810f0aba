import { Injectable } from '@nestjs/common';
import { MemoryFeedback, PrismaService } from '@app/core';

@Injectable()
export class FeedbackRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One feedback row per (memory, user), replaced on every call. */
  upsert(
    projectId: string,
    memoryId: string,
    userId: string,
    feedback: string | null,
    reason: string | null,
  ): Promise<MemoryFeedback> {
    return this.prisma.memoryFeedback.upsert({
      where: { memoryId_userId: { memoryId, userId } },
      create: { projectId, memoryId, userId, feedback, feedbackReason: reason },
      update: { feedback, feedbackReason: reason, updatedAt: new Date() },
    });
  }
}
