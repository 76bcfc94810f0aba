import { fastApiSurface } from '../fastapi/surface';
import { CompatHealthController } from '../fastapi/health.controller';
import { MemoryServiceController } from './memory-service.controller';

/**
 * The Mem0 Memory Service, at its root paths and under /memory-service. Its health route also answers
 * the OSS server's health paths, with the Memory Service's body.
 */
export const MEMORY_SERVICE = fastApiSurface('memory-service', '/memory-service', /^\/(memory|health)(\/|$)/, [
  MemoryServiceController,
  CompatHealthController,
]);
