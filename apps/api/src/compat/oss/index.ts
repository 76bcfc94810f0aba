import { OssController } from './oss.controller';

export const OSS_CONTROLLERS = [OssController];
