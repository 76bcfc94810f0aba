import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/core';

const BOOTSTRAP_LOCK = 8_820_260_001;

@Injectable()
export class BootstrapRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs `fn` while holding a cluster-wide lock, so replicas starting together bootstrap once. */
  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK}::bigint)`;
        return fn();
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
  }
}
