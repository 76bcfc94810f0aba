import { Module } from '@nestjs/common';
import { PortabilityRepository } from './portability.repository';
import { PortabilityService } from './portability.service';

/** Export and import of whole projects, for the admin CLI: Postgres only (no queue, no Redis). */
@Module({
  providers: [PortabilityRepository, PortabilityService],
  exports: [PortabilityService],
})
export class PortabilityModule {}
