import { Inject, Injectable, Logger } from '@nestjs/common';
import { compileJsonSchema, JsonSchema, LLM_PROVIDER, LlmProvider } from '@app/ai';
import { parseFilter } from '@app/filters';
import { JobData, JobName, JobRun, JobStatus } from '@app/queue';
import { ProfilesRepository } from './profiles.repository';
import { RetrievalRepository } from '../retrieval/retrieval.repository';
import { EXPORT_MAX_MEMORIES } from '../exports/exports.service';
import { DEFAULT_USER_SCHEMA, PROFILE_MIN_MEMORIES, ProfileEntityType } from './profile-rules';

/**
 * The worker's side of profiles: one entity of one job. The entity's newest memories are filled into the
 * project's schema by the LLM provider, as exports are (offline: extractively), then validated.
 */
@Injectable()
export class ProfileGenerationService {
  private readonly logger = new Logger(ProfileGenerationService.name);

  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly retrieval: RetrievalRepository,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
  ) {}

  /**
   * A result that does not validate fails the generation at once (the provider has already re-asked); other
   * errors are retried and fail it on the last attempt. A failure keeps the previous profile.
   */
  async handleGenerate(
    { projectId, jobId, entityId }: JobData<JobName.GenerateProfile>,
    run: JobRun,
  ): Promise<JobStatus> {
    const claimed = await this.profiles.claimEntity(projectId, jobId, entityId);
    if (!claimed) {
      return JobStatus.Skipped;
    }
    const type = claimed.entityType as ProfileEntityType;
    let memoryCount = 0;
    try {
      const settings = await this.profiles.settings(projectId);
      if (!settings?.enabled) {
        await this.profiles.finishEntity(projectId, jobId, entityId, 'skipped', 'Profiles are not enabled.');
        return JobStatus.Skipped;
      }
      const filter = parseFilter({ user_id: entityId });
      const { rows, count } = await this.retrieval.page(projectId, { filter }, 0, EXPORT_MAX_MEMORIES);
      memoryCount = count;
      if (count < PROFILE_MIN_MEMORIES) {
        const reason = `Fewer than ${PROFILE_MIN_MEMORIES} memories (${count}).`;
        await this.profiles.finishEntity(projectId, jobId, entityId, 'skipped', reason);
        return JobStatus.Skipped;
      }
      const schema = (settings.userSchema as JsonSchema | null) ?? DEFAULT_USER_SCHEMA;
      const profile = await this.llm.fillSchema({
        schema,
        memories: rows.map((memory) => memory.memory),
        instructions: settings.userCustomInstructions,
      });
      const problem = compileJsonSchema(schema, 'profile')(profile);
      if (problem) {
        await this.fail(projectId, jobId, type, entityId, `The profile does not match the schema: ${problem}`, count);
        return JobStatus.Success;
      }
      await this.profiles.recordSuccess(projectId, type, entityId, profile, count);
      await this.profiles.finishEntity(projectId, jobId, entityId, 'succeeded');
      return JobStatus.Success;
    } catch (error) {
      this.logger.warn({ jobId, attempt: run.attempt, err: error }, 'profile generation attempt failed');
      if (run.finalAttempt) {
        const message = error instanceof Error ? error.message : String(error);
        await this.fail(projectId, jobId, type, entityId, message, memoryCount);
      }
      throw error;
    }
  }

  private async fail(
    projectId: string,
    jobId: string,
    type: ProfileEntityType,
    entityId: string,
    error: string,
    memoryCount: number,
  ): Promise<void> {
    await this.profiles.recordFailure(projectId, type, entityId, error, memoryCount);
    await this.profiles.finishEntity(projectId, jobId, entityId, 'failed', error);
  }
}
