import { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '@app/core';

/** What the neighbouring pages' links are built from: the request, or the REST route an MCP tool answers as. */
export type LinkBase = Pick<FastifyRequest, 'url' | 'protocol' | 'host'>;

export interface PageRequest {
  page: number;
  pageSize: number;
}

const INVALID_PAGE = () => AppError.detail(ErrorCode.NotFound, 'Invalid page.');

/** `page` / `page_size` from a query or body (DRF PageNumberPagination rules). */
export function parsePage(
  source: Record<string, unknown>,
  defaults: { pageSize: number; maxPageSize: number },
  sizeKey = 'page_size',
): PageRequest {
  const page = source.page === undefined || source.page === '' ? 1 : Number(source.page);
  const rawSize = source[sizeKey];
  const size = rawSize === undefined || rawSize === '' ? defaults.pageSize : Number(rawSize);
  if (!Number.isInteger(page) || page < 1) {
    throw INVALID_PAGE();
  }
  return {
    page,
    pageSize: Number.isInteger(size) && size > 0 ? Math.min(size, defaults.maxPageSize) : defaults.pageSize,
  };
}

/** `{count, next, previous, results}` with absolute links to the neighbouring pages (plus `linkParams`). */
export function envelope<T>(
  request: LinkBase,
  { page, pageSize }: PageRequest,
  count: number,
  results: T[],
  linkParams: Record<string, string> = {},
) {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  if (page > pages) {
    throw INVALID_PAGE();
  }
  const link = (target: number) => {
    const url = new URL(request.url, `${request.protocol}://${request.host}`);
    url.searchParams.set('page', String(target));
    Object.entries(linkParams).forEach(([key, value]) => url.searchParams.set(key, value));
    return url.toString();
  };
  return {
    count,
    next: page < pages ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results,
  };
}
