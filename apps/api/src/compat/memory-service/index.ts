import { MemoryServiceController } from './memory-service.controller';

export const MEMORY_SERVICE_CONTROLLERS = [MemoryServiceController];
