import { NestFactory } from '@nestjs/core';
import { Command, CommanderError } from 'commander';
import { PortabilityService, ReembedService } from '@app/memories';
import { AdminService, BootstrapService } from '@app/tenancy';
import { AppError } from '@app/core';
import { AdminModule } from './admin.module';
import { registerCommands } from './commands';
import { registerReembedCommand } from './reembed-command';

async function main(argv: string[]): Promise<void> {
  const app = await NestFactory.createApplicationContext(AdminModule, { logger: ['error'] });
  const program = new Command('admin')
    .description(
      'Manage organizations, projects, users and API keys of this server; export and import projects; re-embed memories',
    )
    .exitOverride()
    .showHelpAfterError();
  registerCommands(program, app.get(AdminService), app.get(BootstrapService), app.get(PortabilityService));
  registerReembedCommand(program, app.get(ReembedService));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode);
  }
  const message = error instanceof AppError ? error.message : error instanceof Error ? error.message : String(error);
  console.error(`admin: ${message}`);
  process.exit(1);
});
