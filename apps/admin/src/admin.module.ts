import { Module } from '@nestjs/common';
import { AiModule } from '@app/ai';
import { CoreModule } from '@app/core';
import { PortabilityModule, ReembedModule } from '@app/memories';
import { TenancyModule } from '@app/tenancy';

/** The AI module's embedder re-embeds memories; import only compares its id with the file's vectors. */
@Module({ imports: [CoreModule, TenancyModule, AiModule, PortabilityModule, ReembedModule] })
export class AdminModule {}
