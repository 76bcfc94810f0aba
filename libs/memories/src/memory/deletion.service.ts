import { Injectable } from '@nestjs/common';
import { JobData, JobName, JobStatus, QueueService } from '@app/queue';
import { DeleteSelector } from './memory.types';
import { EntitiesRepository } from '../entities/entities.repository';
import { EventsRepository } from '../events/events.repository';
import { MemoriesRepository } from './memories.repository';
import { failUnqueued } from '../events/events.service';

const BATCH = 500;
const LISTED = 1000;

/** Deletes by entity or filter in the background, a batch per transaction, a webhook per memory. */
@Injectable()
export class DeletionService {
  constructor(
    private readonly memories: MemoriesRepository,
    private readonly entities: EntitiesRepository,
    private readonly events: EventsRepository,
    private readonly queue: QueueService,
  ) {}

  /** Records the event and queues the work; answers with the event id at once. */
  async request(projectId: string, selector: DeleteSelector): Promise<string> {
    const event = await this.events.create(projectId, selector.entity ? 'DELETE_USER' : 'DELETE_ALL', selector);
    await this.queue
      .add({ name: JobName.DeleteMemories, data: { projectId, eventId: event.id } }, { jobId: event.id })
      .catch(failUnqueued((error) => this.events.finish(projectId, event.id, { status: 'FAILED', error })));
    return event.id;
  }

  async handleDelete({ projectId, eventId }: JobData<JobName.DeleteMemories>): Promise<JobStatus> {
    const event = await this.events.start(projectId, eventId);
    if (!event) {
      return JobStatus.Skipped;
    }
    const selector = event.payload as unknown as DeleteSelector;
    const { deleted, results } = await this.deleteNow(projectId, selector, eventId);
    await this.events.finish(projectId, eventId, {
      status: 'SUCCEEDED',
      results,
      metadata: { deleted_count: deleted },
    });
    return JobStatus.Success;
  }

  /**
   * Deletes what the selector matches (an empty scope: the whole project) now, a batch per transaction;
   * answers how many went and the first of them.
   */
  async deleteNow(projectId: string, selector: DeleteSelector, eventId?: string) {
    const results: { id: string; event: 'DELETE'; memory: string }[] = [];
    let deleted = 0;
    for (;;) {
      const ids = await this.memories.idsMatching(projectId, selector, BATCH);
      if (ids.length === 0) {
        break;
      }
      const rows = await this.memories.transaction((tx) =>
        this.memories.deleteIn(tx, projectId, ids, { embedder: '', input: null, eventId }),
      );
      deleted += rows.length;
      for (const row of rows.slice(0, Math.max(0, LISTED - results.length))) {
        results.push({ id: row.id, event: 'DELETE', memory: row.memory });
      }
    }
    if (selector.entity) {
      await this.entities.delete(projectId, selector.entity.type, selector.entity.name);
    }
    return { deleted, results };
  }
}
