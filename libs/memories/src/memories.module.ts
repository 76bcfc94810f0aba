import { Module } from '@nestjs/common';
import { QueueModule } from '@app/queue';
import { TenancyModule } from '@app/tenancy';
import { AnnotationsRepository } from './annotation/annotations.repository';
import { BatchUpdatesRepository } from './batch/batch-updates.repository';
import { BatchService } from './batch/batch.service';
import { EntitiesRepository } from './entities/entities.repository';
import { EntitiesService } from './entities/entities.service';
import { EventsRepository } from './events/events.repository';
import { EventsService } from './events/events.service';
import { UsageRepository } from './events/usage.repository';
import { UsageService } from './events/usage.service';
import { ExportsRepository } from './exports/exports.repository';
import { ExportsService } from './exports/exports.service';
import { AddMemoriesService } from './ingestion/add-memories.service';
import { CategorizationService } from './ingestion/categorization.service';
import { ContentService } from './ingestion/content/content.service';
import { IngestionService } from './ingestion/ingestion.service';
import { LegacyAddsService } from './ingestion/legacy-adds.service';
import { MemoryInsertsRepository } from './ingestion/memory-inserts.repository';
import { SynthesisRepository } from './ingestion/synthesis.repository';
import { SynthesisService } from './ingestion/synthesis.service';
import { AddGroupsRepository } from './ingestion/add-groups.repository';
import { AdditiveAddsService } from './ingestion/additive-adds.service';
import { VerbatimAddsService } from './ingestion/verbatim-adds.service';
import { VectorIndexRepository } from './maintenance/vector-index.repository';
import { VectorIndexService } from './maintenance/vector-index.service';
import { DeletionService } from './memory/deletion.service';
import { FeedbackRepository } from './memory/feedback.repository';
import { LifecycleRepository } from './memory/lifecycle.repository';
import { LifecycleService } from './memory/lifecycle.service';
import { MemoriesRepository } from './memory/memories.repository';
import { MemoriesService } from './memory/memories.service';
import { ProfileGenerationService } from './profiles/profile-generation.service';
import { ProfilesRepository } from './profiles/profiles.repository';
import { ProfilesService } from './profiles/profiles.service';
import { RetrievalEventsRepository } from './retrieval/retrieval-events.repository';
import { RetrievalEventsService } from './retrieval/retrieval-events.service';
import { RetrievalRepository } from './retrieval/retrieval.repository';
import { RetrievalService } from './retrieval/retrieval.service';
import { SummaryService } from './retrieval/summary.service';

const SERVICES = [
  AddMemoriesService,
  ContentService,
  BatchService,
  CategorizationService,
  DeletionService,
  EntitiesService,
  EventsService,
  ExportsService,
  IngestionService,
  MemoriesService,
  ProfileGenerationService,
  ProfilesService,
  RetrievalEventsService,
  RetrievalService,
  SummaryService,
  SynthesisService,
  UsageService,
  VectorIndexService,
];

@Module({
  imports: [QueueModule, TenancyModule],
  providers: [
    AnnotationsRepository,
    BatchUpdatesRepository,
    EntitiesRepository,
    EventsRepository,
    ExportsRepository,
    FeedbackRepository,
    LegacyAddsService,
    LifecycleRepository,
    LifecycleService,
    MemoriesRepository,
    MemoryInsertsRepository,
    ProfilesRepository,
    RetrievalEventsRepository,
    RetrievalRepository,
    SynthesisRepository,
    UsageRepository,
    VectorIndexRepository,
    AddGroupsRepository,
    AdditiveAddsService,
    VerbatimAddsService,
    ...SERVICES,
  ],
  exports: SERVICES,
})
export class MemoriesModule {}
