import { Controller } from '@nestjs/common';

@Controller(['memory', 'memory-service/memory'])
export class MemoryServiceController {}
