import { Controller } from '@nestjs/common';

@Controller('memory-system')
export class MemorySystemController {}
