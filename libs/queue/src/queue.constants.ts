/*
 * WARNING: these values are stored in Redis with every job. Renaming one strands the jobs already
 * queued under the old name: add a new value and migrate, never rename.
 */
export enum QueueName {
  MemoryIngestion = 'memory-ingestion',
  Categorization = 'categorization',
  MemoryDeletion = 'memory-deletion',
}

export enum JobName {
  AddMemories = 'add-memories',
  CategorizeMemories = 'categorize-memories',
  DeleteMemories = 'delete-memories',
}

/** Payloads carry ids only; handlers reload everything scoped by project. */
export type JobItem =
  | { name: JobName.AddMemories; data: { projectId: string; eventId: string } }
  | { name: JobName.CategorizeMemories; data: { projectId: string; memoryIds: string[]; eventId?: string } }
  | { name: JobName.DeleteMemories; data: { projectId: string; eventId: string } };

export type JobData<N extends JobName> = Extract<JobItem, { name: N }>['data'];

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.AddMemories]: QueueName.MemoryIngestion,
  [JobName.CategorizeMemories]: QueueName.Categorization,
  [JobName.DeleteMemories]: QueueName.MemoryDeletion,
};

export enum JobStatus {
  Success = 'success',
  Skipped = 'skipped',
}
