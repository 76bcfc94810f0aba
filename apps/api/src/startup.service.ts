import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/core';
import { BootstrapService, ProjectsService } from '@app/tenancy';

/** First start: create the default tenant and show a generated key once (stdout, never the logs). */
@Injectable()
export class StartupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly bootstrap: BootstrapService,
    private readonly projects: ProjectsService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.bootstrap.ensure();
    await this.checkAnonymousAccess();
    if (!result) {
      return;
    }
    this.logger.log(`bootstrap: org ${result.orgId}, project ${result.projectId}, owner ${result.email}`);
    if (result.generated) {
      process.stdout.write(
        `\n  Bootstrap API key (shown once, store it now):\n\n    ${result.key}\n\n` +
          `  Use it as: Authorization: Token <key>\n\n`,
      );
    }
  }

  /** Keyless access to the self-hosted surfaces is opt-in; say so when it is on but cannot work. */
  private async checkAnonymousAccess(): Promise<void> {
    const { COMPAT_ANONYMOUS_ACCESS, COMPAT_DEFAULT_PROJECT_ID } = this.config.env;
    if (!COMPAT_ANONYMOUS_ACCESS) {
      return;
    }
    const actor = COMPAT_DEFAULT_PROJECT_ID ? await this.projects.anonymousActor(COMPAT_DEFAULT_PROJECT_ID) : null;
    if (actor) {
      this.logger.warn(`keyless requests to the self-hosted surfaces run in project ${COMPAT_DEFAULT_PROJECT_ID}`);
    } else {
      this.logger.error(
        'COMPAT_ANONYMOUS_ACCESS is on but COMPAT_DEFAULT_PROJECT_ID names no project with an owner: keyless requests get 401',
      );
    }
  }
}
