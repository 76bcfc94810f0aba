import { Module } from '@nestjs/common';
import { AgentAccountsRepository } from './repositories/agent-accounts.repository';
import { AgentSignupService } from './services/agent-signup.service';
import { TenancyModule } from './tenancy.module';

@Module({
  imports: [TenancyModule],
  providers: [AgentAccountsRepository, AgentSignupService],
  exports: [AgentSignupService],
})
export class AgentSignupModule {}
