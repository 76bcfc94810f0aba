import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { SetMetadata } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import { AuthContext } from '@app/auth';
import { RetrievalEvent, RetrievalEventsService } from '@app/memories';
import { routeMetadata } from '../http/decorators';

const RETRIEVAL_EVENT = 'mem0:retrieval-event';

/** How many memories an answer carries, whatever its envelope. */
export function resultCount(body: unknown): number {
  if (Array.isArray(body)) {
    return body.length;
  }
  const results =
    (body as { results?: unknown; memories?: unknown } | null)?.results ??
    (body as { memories?: unknown } | null)?.memories;
  return Array.isArray(results) ? results.length : 0;
}

/** Records each successful call of the route as a SEARCH or GET_ALL event of its project. */
@Injectable()
export class RetrievalEventsInterceptor implements NestInterceptor {
  constructor(private readonly events: RetrievalEventsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const eventType = routeMetadata<RetrievalEvent['eventType']>(context, RETRIEVAL_EVENT);
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthContext }>();
    const startedAt = new Date();
    return next.handle().pipe(
      tap((body) => {
        if (!eventType || !request.user) {
          return;
        }
        const payload = request.method === 'GET' ? request.query : request.body;
        this.events.record({
          projectId: request.user.projectId,
          eventType,
          payload: payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {},
          resultCount: resultCount(body),
          startedAt,
          completedAt: new Date(),
        });
      }),
    );
  }
}

/** The route is a search (SEARCH) or a list (GET_ALL): each answered call becomes an event. */
export const RecordsRetrieval = (eventType: RetrievalEvent['eventType']) =>
  applyDecorators(SetMetadata(RETRIEVAL_EVENT, eventType), UseInterceptors(RetrievalEventsInterceptor));
