import { fastApiSurface } from '../fastapi/surface';
import { OssConfigureController } from './oss-configure.controller';
import { OssController } from './oss.controller';

/** The mem0 OSS REST server, at its root paths and under /oss. */
export const OSS = fastApiSurface('oss', '/oss', /^\/(memories|search|configure|reset|generate-instructions)(\/|$)/, [
  OssController,
  OssConfigureController,
]);
