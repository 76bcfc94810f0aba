import { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

/** JSON logs; the API's request ids (see apps/api setup) appear as `req.id`; secrets redacted. */
export const LoggingModule = LoggerModule.forRootAsync({
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    pinoHttp: {
      level: config.env.LOG_LEVEL,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.key', '*.apiKey'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // A 503 is a dependency outage, already reported by the exception filter and /readyz: not an error per request.
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => {
        if (res.statusCode === 503) {
          return 'warn';
        }
        return error || res.statusCode >= 500 ? 'error' : 'info';
      },
    },
  }),
});
