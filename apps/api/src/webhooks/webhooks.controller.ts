import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { AuthContext } from '@app/auth';
import { CreateWebhookDto, UpdateWebhookDto, WebhooksService } from '@app/webhooks';
import { Access, ApiToken, Auth, IgnoreTenantParams } from '../http/decorators';
import { envelope, parsePage } from '../http/pagination';

const ALIAS = 'Alias (the curl samples embedded in the platform specs)';

/**
 * Contract 9.5: members of a project list its webhooks, owners manage them; validation errors are
 * field-keyed (`{"url": ["Enter a valid URL."]}`). The body's `project_id` is not a tenant switch.
 */
@ApiTags('webhooks')
@ApiToken()
@IgnoreTenantParams()
@Access('service')
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get('projects/:projectId')
  @ApiOperation({ summary: "The project's webhooks (an array, newest first); any member may list" })
  listWebhooks(@Auth() auth: AuthContext, @Param('projectId') projectId: string) {
    return this.webhooks.list(auth, projectId);
  }

  @Post('projects/:projectId')
  @ApiOperation({
    summary: 'Create a webhook (project owners only); the answer carries its signing `secret`, shown this once',
  })
  createWebhook(@Auth() auth: AuthContext, @Param('projectId') projectId: string, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(auth, projectId, dto);
  }

  @Put(':webhookId')
  @ApiOperation({ summary: 'Change any of name, url, event_types, is_active (project owners only)' })
  updateWebhook(@Auth() auth: AuthContext, @Param('webhookId') webhookId: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(auth, webhookId, dto);
  }

  @Delete(':webhookId')
  @ApiOperation({ summary: 'Delete a webhook with its delivery log (project owners only)' })
  deleteWebhook(@Auth() auth: AuthContext, @Param('webhookId') webhookId: string) {
    return this.webhooks.delete(auth, webhookId);
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({
    summary: 'Delivery log (clone extension): paginated, newest first, each delivery with its HTTP attempts',
    description:
      'Statuses: pending, retrying, succeeded, failed. Each attempt records status_code or error, ' +
      'duration_ms and the start of the response body. `page` / `page_size` (default 50, max 100).',
  })
  async listWebhookDeliveries(
    @Auth() auth: AuthContext,
    @Param('webhookId') webhookId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ) {
    const page = parsePage(query, { pageSize: 50, maxPageSize: 100 });
    const { count, results } = await this.webhooks.listDeliveries(auth, webhookId, page.page, page.pageSize);
    return envelope(request, page, count, results);
  }

  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a finished delivery again (clone extension; project owners only)',
    description:
      'Same `webhook-id` as before (receivers can deduplicate), fresh timestamp and signature; new attempts ' +
      'are added to the log and retried on the usual schedule. 409 while the delivery is still being attempted.',
  })
  redeliverWebhookDelivery(
    @Auth() auth: AuthContext,
    @Param('webhookId') webhookId: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return this.webhooks.redeliver(auth, webhookId, deliveryId);
  }

  @Get(':projectId/webhook')
  @ApiOperation({ summary: ALIAS, deprecated: true })
  listWebhooksAlias(@Auth() auth: AuthContext, @Param('projectId') projectId: string) {
    return this.webhooks.list(auth, projectId);
  }

  @Post(':projectId/webhook')
  @ApiOperation({ summary: ALIAS, deprecated: true })
  createWebhookAlias(@Auth() auth: AuthContext, @Param('projectId') projectId: string, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(auth, projectId, dto);
  }

  @Put(':webhookId/webhook')
  @ApiOperation({ summary: ALIAS, deprecated: true })
  updateWebhookAlias(@Auth() auth: AuthContext, @Param('webhookId') webhookId: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(auth, webhookId, dto);
  }

  @Delete(':webhookId/webhook')
  @ApiOperation({ summary: ALIAS, deprecated: true })
  deleteWebhookAlias(@Auth() auth: AuthContext, @Param('webhookId') webhookId: string) {
    return this.webhooks.delete(auth, webhookId);
  }
}
