import { AppError, ErrorCode } from '@app/core';
import { ADD_INVALID_MESSAGE } from '@app/memories';
import { AgentModeController } from '../../agent-mode/agent-mode.controller';
import { HealthController } from '../../health/health.controller';
import { AddMemoriesController } from '../../memories/add-memories.controller';
import { BatchController } from '../../memories/batch.controller';
import { EntitiesController } from '../../memories/entities.controller';
import { EventsController } from '../../memories/events.controller';
import { ExportsController } from '../../memories/exports.controller';
import { ListMemoriesController } from '../../memories/list-memories.controller';
import { MemoriesController } from '../../memories/memories.controller';
import { SearchMemoriesController } from '../../memories/search-memories.controller';
import { UsageController } from '../../memories/usage.controller';
import { MetricsController } from '../../metrics/metrics.controller';
import { ApiKeysController } from '../../orgs/api-keys.controller';
import { OrganizationsController } from '../../orgs/organizations.controller';
import { ProjectMembersController } from '../../orgs/project-members.controller';
import { ProjectsController } from '../../orgs/projects.controller';
import { PingController } from '../../ping/ping.controller';
import { ProfilesController } from '../../profiles/profiles.controller';
import { WebhooksController } from '../../webhooks/webhooks.controller';
import { SchemaValidationError } from '../../http/request-schema';
import { detailBody, Failure, RenderedError, Surface } from '../surface';

/** The platform's body for a domain error, in the shape its details name. */
export function platformErrorBody({ code, message, details = {} }: AppError): unknown {
  const { shape = 'detail', fields = {}, clientCode, eventId, report } = details;
  switch (shape) {
    case 'fields':
      return fields;
    case 'errors':
      return { errors: fields };
    case 'list':
      return [message];
    case 'report':
      return report;
    case 'add': {
      const error = code === ErrorCode.PayloadTooLarge ? '413 Payload Too Large' : '400 Bad Request';
      const errors = details.fields ? { errors: details.fields } : {};
      return { error, details: { message: ADD_INVALID_MESSAGE, reason: message, ...errors } };
    }
    case 'error-and-detail':
      return { error: clientCode ? { code: clientCode, message } : message, detail: message };
    default:
      return { [shape]: message, ...(eventId ? { event_id: eventId } : {}) };
  }
}

function platformError(error: unknown, failure: Failure): RenderedError {
  if (error instanceof AppError) {
    return { status: failure.status, body: platformErrorBody(error) };
  }
  if (error instanceof SchemaValidationError) {
    return { status: failure.status, body: { detail: error.problems } };
  }
  return { status: failure.status, body: detailBody(failure) };
}

/** The Mem0 Platform API: every path no self-hosted surface takes (so it comes last in SURFACES). */
export const PLATFORM: Surface = {
  name: 'platform',
  prefix: null,
  matches: () => true,
  authScheme: 'Token',
  validationErrors: 'fields',
  renderError: platformError,
  controllers: [
    HealthController,
    MetricsController,
    PingController,
    AgentModeController,
    OrganizationsController,
    ProjectsController,
    ProjectMembersController,
    ApiKeysController,
    AddMemoriesController,
    MemoriesController,
    ListMemoriesController,
    SearchMemoriesController,
    EventsController,
    EntitiesController,
    UsageController,
    WebhooksController,
    BatchController,
    ExportsController,
    ProfilesController,
  ],
};
