import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/core';
import { BootstrapRepository } from '../repositories/bootstrap.repository';
import { OrganizationsRepository } from '../repositories/organizations.repository';
import { ProjectsRepository } from '../repositories/projects.repository';
import { UsersRepository } from '../repositories/users.repository';
import { ApiKeysService } from './api-keys.service';

export interface BootstrapResult {
  /** The key in force: generated (shown once) or the configured BOOTSTRAP_API_KEY. */
  key: string;
  generated: boolean;
  orgId: string;
  projectId: string;
  email: string;
}

@Injectable()
export class BootstrapService {
  private readonly logger = new Logger(BootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly lock: BootstrapRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly projects: ProjectsRepository,
    private readonly users: UsersRepository,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /**
   * On an empty database: creates the default org, project, owner and the bootstrap key. Later starts
   * only make sure a configured BOOTSTRAP_API_KEY exists. Returns what was created, or null.
   */
  ensure(): Promise<BootstrapResult | null> {
    const configured = this.config.env.BOOTSTRAP_API_KEY;
    return this.lock.runExclusive(async () => {
      if ((await this.organizations.count()) === 0) {
        return this.createDefaults(configured);
      }
      if (configured && !(await this.apiKeys.exists(configured))) {
        return this.attachConfiguredKey(configured);
      }
      return null;
    });
  }

  private async createDefaults(configured: string | undefined): Promise<BootstrapResult> {
    const email = this.config.env.BOOTSTRAP_USER_EMAIL;
    const user = (await this.users.findByEmail(email)) ?? (await this.users.create(email));
    const { org, project } = await this.organizations.createWithOwner(
      {
        name: this.config.env.BOOTSTRAP_ORG_NAME,
        isDefault: true,
        projectName: this.config.env.BOOTSTRAP_PROJECT_NAME,
      },
      user.id,
    );
    const { key } = await this.apiKeys.issue({
      userId: user.id,
      projectId: project.id,
      name: 'bootstrap',
      key: configured,
    });
    return { key, generated: !configured, orgId: org.id, projectId: project.id, email: user.email };
  }

  private async attachConfiguredKey(key: string): Promise<BootstrapResult | null> {
    const email = this.config.env.BOOTSTRAP_USER_EMAIL;
    const user = await this.users.findByEmail(email);
    const org = await this.organizations.findDefault();
    const project = org ? await this.projects.findDefault(org.id) : null;
    if (!user || !org || !project) {
      this.logger.warn(`BOOTSTRAP_API_KEY is set but ${email} or the default project no longer exists; key not added`);
      return null;
    }
    await this.apiKeys.issue({ userId: user.id, projectId: project.id, name: 'bootstrap', key });
    return { key, generated: false, orgId: org.id, projectId: project.id, email: user.email };
  }
}
