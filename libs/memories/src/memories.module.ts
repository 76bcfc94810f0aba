import { Module } from '@nestjs/common';
import { QueueModule } from '@app/queue';
import { TenancyModule } from '@app/tenancy';
import { AnnotationsRepository } from './repositories/annotations.repository';
import { BatchUpdatesRepository } from './repositories/batch-updates.repository';
import { EntitiesRepository } from './repositories/entities.repository';
import { EventsRepository } from './repositories/events.repository';
import { ExportsRepository } from './repositories/exports.repository';
import { FeedbackRepository } from './repositories/feedback.repository';
import { LifecycleRepository } from './repositories/lifecycle.repository';
import { MemoriesRepository } from './repositories/memories.repository';
import { MemoryInsertsRepository } from './repositories/memory-inserts.repository';
import { ProfilesRepository } from './repositories/profiles.repository';
import { RetrievalEventsRepository } from './repositories/retrieval-events.repository';
import { RetrievalRepository } from './repositories/retrieval.repository';
import { SynthesisRepository } from './repositories/synthesis.repository';
import { UsageRepository } from './repositories/usage.repository';
import { VectorIndexRepository } from './repositories/vector-index.repository';
import { VerbatimAddsRepository } from './repositories/verbatim-adds.repository';
import { ProfileGenerationService } from './profiles/profile-generation.service';
import { ProfilesService } from './profiles/profiles.service';
import { ContentService } from './content/content.service';
import { AddMemoriesService } from './services/add-memories.service';
import { BatchService } from './services/batch.service';
import { CategorizationService } from './services/categorization.service';
import { DeletionService } from './services/deletion.service';
import { EntitiesService } from './services/entities.service';
import { EventsService } from './services/events.service';
import { ExportsService } from './services/exports.service';
import { IngestionService } from './services/ingestion.service';
import { LegacyAddsService } from './services/legacy-adds.service';
import { LifecycleService } from './services/lifecycle.service';
import { MemoriesService } from './services/memories.service';
import { RetrievalEventsService } from './services/retrieval-events.service';
import { RetrievalService } from './services/retrieval.service';
import { SummaryService } from './services/summary.service';
import { SynthesisService } from './services/synthesis.service';
import { UsageService } from './services/usage.service';
import { VerbatimAddsService } from './services/verbatim-adds.service';
import { VectorIndexService } from './services/vector-index.service';

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
    VerbatimAddsRepository,
    VerbatimAddsService,
    ...SERVICES,
  ],
  exports: SERVICES,
})
export class MemoriesModule {}
