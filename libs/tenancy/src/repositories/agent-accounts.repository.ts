import { Injectable } from '@nestjs/common';
import { AgentAccount, PrismaService } from '@app/core';

@Injectable()
export class AgentAccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(userId: string, agentCaller: string | null, source: string | null): Promise<AgentAccount> {
    return this.prisma.agentAccount.create({ data: { userId, agentCaller, source } });
  }

  /** Sets the agent's name; null when the user is no agent account. */
  async setCaller(userId: string, agentCaller: string): Promise<AgentAccount | null> {
    const { count } = await this.prisma.agentAccount.updateMany({ where: { userId }, data: { agentCaller } });
    return count > 0 ? this.prisma.agentAccount.findUnique({ where: { userId } }) : null;
  }
}
