import { Module } from '@nestjs/common';
import { CoreModule } from '@app/core';
import { TenancyModule } from '@app/tenancy';

@Module({ imports: [CoreModule, TenancyModule] })
export class AdminModule {}
