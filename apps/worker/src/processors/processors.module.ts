import { Module, OnModuleInit } from '@nestjs/common';
import { AiModule } from '@app/ai';
import { JobSweeperModule, MemoriesModule } from '@app/memories';
import { QueueModule } from '@app/queue';
import { WebhookDeliveryModule } from '@app/webhooks';
import { JobHandlers } from './job-handlers';
import { checkProcessors, PROCESSORS } from './processors';

/** The queue consumers; the worker app runs them (and the e2e tests, in the API's process). */
@Module({
  imports: [AiModule, MemoriesModule, JobSweeperModule, QueueModule, WebhookDeliveryModule],
  providers: [JobHandlers, ...Object.values(PROCESSORS)],
})
export class ProcessorsModule implements OnModuleInit {
  onModuleInit(): void {
    checkProcessors(PROCESSORS);
  }
}
