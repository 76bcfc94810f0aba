import { Module } from '@nestjs/common';
import { AiModule } from '@app/ai';
import { CoreModule } from '@app/core';
import { PortabilityModule } from '@app/memories';
import { TenancyModule } from '@app/tenancy';

/** The AI module only names the configured embedder (import warns when the file's vectors differ); nothing is called. */
@Module({ imports: [CoreModule, TenancyModule, AiModule, PortabilityModule] })
export class AdminModule {}
