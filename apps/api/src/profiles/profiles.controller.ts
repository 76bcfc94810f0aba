import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { ProfilesService } from '@app/memories';
import { ApiToken, Auth, MarksReplays } from '../http/decorators';

/** User profiles: one object per user, shaped by the project's JSON Schema and built by the worker. */
@ApiTags('profiles')
@ApiToken()
@Controller()
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get('v2/profiles/settings')
  @ApiOperation({ summary: 'Whether profiles are generated, and the user profile schema and instructions' })
  getProfileSettings(@Auth() auth: AuthContext) {
    return this.profiles.settings(auth.projectId);
  }

  @Post('v2/profiles/settings')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Write the settings given: enabled, entities.user.schema, entities.user.custom_instructions',
  })
  updateProfileSettings(@Auth() auth: AuthContext, @Body() body: unknown) {
    return this.profiles.updateSettings(auth.projectId, body);
  }

  @Post('v2/profiles/jobs')
  @MarksReplays()
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '8 to 128 characters; a retry gets the same job' })
  @ApiOperation({ summary: 'Generate profiles: one user (trigger, by entity_id) or a few (sample, up to limit)' })
  createProfileJob(
    @Auth() auth: AuthContext,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    return this.profiles.createJob(auth.projectId, body, idempotencyKey);
  }

  @Get('v2/profiles/jobs/:jobId')
  @ApiOperation({ summary: 'A generation job with its counts' })
  getProfileJob(@Auth() auth: AuthContext, @Param('jobId') jobId: string) {
    return this.profiles.readJob(auth.projectId, jobId);
  }

  @Get('v2/entities/:entityType/:entityId/profile')
  @ApiOperation({
    summary: "A user's profile and its status (succeeded, pending, failed, not_enabled, insufficient_data)",
  })
  getEntityProfile(
    @Auth() auth: AuthContext,
    @Param('entityType') entityType: string,
    @Param('entityId') entityId: string,
  ) {
    return this.profiles.readProfile(auth.projectId, entityType, entityId);
  }
}
