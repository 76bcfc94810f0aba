import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { unavailableDependency } from '@app/core';
import {
  CategorizationService,
  DeletionService,
  EventsService,
  ExportsService,
  IngestionService,
  ProfileGenerationService,
  SynthesisService,
  VectorIndexService,
} from '@app/memories';
import { JobItem, JobName, JobRun, JobStatus } from '@app/queue';
import { WebhookDeliveryService } from '@app/webhooks';

type Handlers = { [N in JobName]: (data: Extract<JobItem, { name: N }>['data'], run: JobRun) => Promise<JobStatus> };

/** Every job name maps to its lib handler; the Record type makes a missing handler a compile error. */
@Injectable()
export class JobHandlers implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobHandlers.name);
  readonly handlers: Handlers;

  constructor(
    ingestion: IngestionService,
    categorization: CategorizationService,
    deletion: DeletionService,
    private readonly events: EventsService,
    private readonly vectorIndexes: VectorIndexService,
    webhookDelivery: WebhookDeliveryService,
    exports: ExportsService,
    profileGeneration: ProfileGenerationService,
    private readonly synthesis: SynthesisService,
  ) {
    this.handlers = {
      [JobName.AddMemories]: (data) => ingestion.handleAdd(data),
      [JobName.CategorizeMemories]: (data) => categorization.handleCategorize(data),
      [JobName.DeleteMemories]: (data) => deletion.handleDelete(data),
      [JobName.DeliverWebhook]: (data, run) => webhookDelivery.handleDeliver(data, run),
      [JobName.BuildExport]: (data, run) => exports.handleBuild(data, run),
      [JobName.GenerateProfile]: (data, run) => profileGeneration.handleGenerate(data, run),
      [JobName.SynthesizeMemories]: (data) => synthesis.handleSynthesize(data),
      [JobName.IndexVectors]: (data) => this.vectorIndexes.handleIndexPending(data),
    };
  }

  /** The worker owns start-up maintenance: the configured embedder's vector index, the synthesis schedules. */
  async onApplicationBootstrap(): Promise<void> {
    await this.vectorIndexes.ensureForEmbedder();
    await this.synthesis.scheduleAll();
  }

  async run(item: JobItem, finalAttempt: boolean, attempt = 1): Promise<JobStatus> {
    const handler = this.handlers[item.name] as (data: JobItem['data'], run: JobRun) => Promise<JobStatus>;
    if (!handler) {
      throw new Error(`no handler for job ${item.name}`);
    }
    try {
      return await handler(item.data, { attempt, finalAttempt });
    } catch (error) {
      // After an outage outlasted every retry the event stays open: the job sweeper queues it again.
      const eventId = 'eventId' in item.data ? item.data.eventId : undefined;
      if (finalAttempt && eventId && !unavailableDependency(error)) {
        await this.events.fail(item.data.projectId, eventId, error).catch((failure: unknown) => {
          this.logger.warn({ eventId, err: failure }, 'event not marked FAILED; the job sweeper will');
        });
      }
      throw error;
    }
  }
}
