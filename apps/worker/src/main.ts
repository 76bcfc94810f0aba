import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { RedisHealthService } from '@app/core';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const logger = app.get(Logger);
  // Workers wait for Redis by themselves: a worker started during an outage picks up jobs once it ends.
  await app
    .get(RedisHealthService)
    .ping()
    .then(
      () => logger.log('worker ready'),
      (error: unknown) =>
        logger.warn(`worker started; Redis is not reachable yet (${String(error)}), jobs run once it is`),
    );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
