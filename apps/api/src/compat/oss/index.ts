import { OssConfigureController } from './oss-configure.controller';
import { OssController } from './oss.controller';

export const OSS_CONTROLLERS = [OssController, OssConfigureController];
