import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/auth';
import { ApiToken, Auth, IgnoreTenantParams } from '../http/decorators';

@ApiTags('identity')
@ApiToken()
@Controller('v1/ping')
export class PingController {
  @Get()
  @IgnoreTenantParams()
  @ApiOperation({ summary: 'Validate the API key; returns its org, project and user' })
  @ApiOkResponse({
    schema: {
      example: { status: 'ok', org_id: 'uuid', project_id: 'uuid', user_email: 'owner@example.com' },
    },
  })
  ping(@Auth() auth: AuthContext) {
    return { status: 'ok', org_id: auth.orgId, project_id: auth.projectId, user_email: auth.userEmail };
  }
}
