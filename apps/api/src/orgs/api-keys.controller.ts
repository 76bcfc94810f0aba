import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { CreateApiKeyDto, ProjectApiKeysService } from '@app/tenancy';
import { Access, ApiToken, Auth, IgnoreTenantParams, OnInvalid } from '../http/decorators';

@ApiTags('api keys')
@ApiToken()
@IgnoreTenantParams()
@OnInvalid('message')
@Access('service')
@Controller('api/v1/orgs/organizations/:orgId/projects/:projectId/api_keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ProjectApiKeysService) {}

  @Get()
  @ApiOperation({ summary: "The project's API keys, revoked ones included (never their secret); any member may list" })
  listApiKeys(@Auth() auth: AuthContext, @Param('orgId') orgId: string, @Param('projectId') projectId: string) {
    return this.apiKeys.list(auth, orgId, projectId);
  }

  @Post()
  @ApiOperation({
    summary: 'Issue a key for the caller or a member (project owners only); the `key` is shown this once',
  })
  @ApiCreatedResponse({
    schema: {
      example: {
        id: 'uuid',
        name: 'support-bot',
        prefix: 'm0-AbCdEfG',
        user_email: 'owner@example.com',
        created_at: '2026-01-01T00:00:00.000000+00:00',
        last_used_at: null,
        revoked_at: null,
        key: 'm0-...',
      },
    },
  })
  createApiKey(
    @Auth() auth: AuthContext,
    @Param('orgId') orgId: string,
    @Param('projectId') projectId: string,
    @Body() dto: CreateApiKeyDto,
  ) {
    return this.apiKeys.create(auth, orgId, projectId, dto);
  }

  @Delete(':keyId')
  @ApiOperation({ summary: 'Revoke a key (project owners only); it is refused from the next request on' })
  revokeApiKey(
    @Auth() auth: AuthContext,
    @Param('orgId') orgId: string,
    @Param('projectId') projectId: string,
    @Param('keyId') keyId: string,
  ) {
    return this.apiKeys.revoke(auth, orgId, projectId, keyId);
  }
}
