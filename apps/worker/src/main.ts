import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { RedisHealthService } from '@app/core';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.get(RedisHealthService).ping(5000);
  app.get(Logger).log('worker ready');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
