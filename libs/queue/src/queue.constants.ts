/*
 * WARNING: these values are stored in Redis with every job. Renaming one strands the jobs already
 * queued under the old name: add a new value and migrate, never rename.
 */
export enum QueueName {
  MemoryIngestion = 'memory-ingestion',
  Categorization = 'categorization',
  MemoryDeletion = 'memory-deletion',
  WebhookDelivery = 'webhook-delivery',
  Exports = 'exports',
  Synthesis = 'synthesis',
  VectorIndexing = 'vector-indexing',
}

export enum JobName {
  AddMemories = 'add-memories',
  CategorizeMemories = 'categorize-memories',
  DeleteMemories = 'delete-memories',
  DeliverWebhook = 'deliver-webhook',
  BuildExport = 'build-export',
  GenerateProfile = 'generate-profile',
  SynthesizeMemories = 'synthesize-memories',
  IndexVectors = 'index-vectors',
}

/** Payloads carry ids only; handlers reload everything scoped by project. */
export type JobItem =
  | { name: JobName.AddMemories; data: { projectId: string; eventId: string } }
  | { name: JobName.CategorizeMemories; data: { projectId: string; memoryIds: string[]; eventId?: string } }
  | { name: JobName.DeleteMemories; data: { projectId: string; eventId: string } }
  | { name: JobName.DeliverWebhook; data: { projectId: string; deliveryId: string } }
  | { name: JobName.BuildExport; data: { projectId: string; exportId: string } }
  | { name: JobName.GenerateProfile; data: { projectId: string; jobId: string; entityId: string } }
  | { name: JobName.SynthesizeMemories; data: { projectId: string } }
  | { name: JobName.IndexVectors; data: { projectId: string } };

export type JobData<N extends JobName> = Extract<JobItem, { name: N }>['data'];

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.AddMemories]: QueueName.MemoryIngestion,
  [JobName.CategorizeMemories]: QueueName.Categorization,
  [JobName.DeleteMemories]: QueueName.MemoryDeletion,
  [JobName.DeliverWebhook]: QueueName.WebhookDelivery,
  [JobName.BuildExport]: QueueName.Exports,
  // Profiles fill a schema from memories as exports do: the same queue and workers.
  [JobName.GenerateProfile]: QueueName.Exports,
  [JobName.SynthesizeMemories]: QueueName.Synthesis,
  [JobName.IndexVectors]: QueueName.VectorIndexing,
};

/**
 * The key prefix of every queue. The `{...}` hash tag keeps each queue's keys in one Redis Cluster
 * slot, so the same prefix works on a single node and on a cluster.
 */
export function bullPrefix(redisPrefix: string): string {
  return `{${redisPrefix}:bull}`;
}

export enum JobStatus {
  Success = 'success',
  Skipped = 'skipped',
}

/** Which run of a job this is (BullMQ counts from 1); handlers that schedule their own retries need it. */
export interface JobRun {
  attempt: number;
  finalAttempt: boolean;
}
