import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig, loadConfig } from '@app/core';
import { ApiModule } from './app.module';
import { API_APP_OPTIONS, configureApp, createFastifyAdapter } from './http/setup';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create<NestFastifyApplication>(
    ApiModule,
    createFastifyAdapter(config),
    API_APP_OPTIONS,
  );
  configureApp(app);
  const { HOST, PORT } = app.get(AppConfig).env;
  await app.listen(PORT, HOST);
  const shown = HOST === '0.0.0.0' || HOST === '::' ? 'localhost' : HOST;
  app.get(Logger).log(`API listening on http://${shown}:${PORT} (docs: /docs)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
