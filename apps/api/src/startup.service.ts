import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BootstrapService } from '@app/tenancy';

/** First start: create the default tenant and show a generated key once (stdout, never the logs). */
@Injectable()
export class StartupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(private readonly bootstrap: BootstrapService) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.bootstrap.ensure();
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
}
