import { MemorySystemOpsController } from './memory-system-ops.controller';
import { MemorySystemController } from './memory-system.controller';

export const MEMORY_SYSTEM_CONTROLLERS = [MemorySystemController, MemorySystemOpsController];
