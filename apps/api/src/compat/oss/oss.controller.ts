import { Controller } from '@nestjs/common';

@Controller(['', 'oss'])
export class OssController {}
