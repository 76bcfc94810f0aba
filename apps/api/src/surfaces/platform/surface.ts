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
import { Surface } from '../surface';

/** The Mem0 Platform API: every path no self-hosted surface takes (so it comes last in SURFACES). */
export const PLATFORM: Surface = {
  name: 'platform',
  prefix: null,
  matches: () => true,
  authScheme: 'Token',
  validationErrors: 'fields',
  renderError: (_error, rendered) => rendered,
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
