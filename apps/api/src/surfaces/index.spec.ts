import { rewriteSurfaceUrl, surfaceOf } from '.';

const request = (method: string, url: string, headers: Record<string, string> = {}) => ({ method, url, headers });

describe('rewriteSurfaceUrl', () => {
  it('leaves platform requests alone, whatever their trailing slash', () => {
    const token = { authorization: 'Token m0-key' };
    expect(rewriteSurfaceUrl(request('POST', '/v1/memories', token))).toBe('/v1/memories');
    expect(rewriteSurfaceUrl(request('GET', '/v1/memories/abc', token))).toBe('/v1/memories/abc');
    expect(rewriteSurfaceUrl(request('GET', '/v1/memories/abc/', { authorization: 'Bearer k' }))).toBe(
      '/v1/memories/abc/',
    );
  });

  it('sends Bearer requests on the Memory System paths that collide with the platform to its prefix', () => {
    const bearer = { authorization: 'Bearer m0-key' };
    expect(rewriteSurfaceUrl(request('POST', '/v1/memories', bearer))).toBe('/memory-system/v1/memories');
    expect(rewriteSurfaceUrl(request('GET', '/v1/memories/search?query=x&user_id=u', bearer))).toBe(
      '/memory-system/v1/memories/search?query=x&user_id=u',
    );
    expect(rewriteSurfaceUrl(request('GET', '/v1/memories/user/alice', bearer))).toBe(
      '/memory-system/v1/memories/user/alice',
    );
    expect(rewriteSurfaceUrl(request('PUT', '/v1/memories/abc', bearer))).toBe('/memory-system/v1/memories/abc');
    expect(rewriteSurfaceUrl(request('DELETE', '/v1/memories/abc', bearer))).toBe('/memory-system/v1/memories/abc');
    expect(rewriteSurfaceUrl(request('GET', '/status', bearer))).toBe('/memory-system/status');
    expect(rewriteSurfaceUrl(request('GET', '/v1/memories', bearer))).toBe('/v1/memories');
    expect(rewriteSurfaceUrl(request('POST', '/v1/memories/search', bearer))).toBe('/v1/memories/search');
  });

  it('follows X-Mem0-Surface, without prefixing twice', () => {
    expect(rewriteSurfaceUrl(request('GET', '/health', { 'x-mem0-surface': 'memory-system' }))).toBe(
      '/memory-system/health',
    );
    expect(rewriteSurfaceUrl(request('GET', '/oss/memories?user_id=a', { 'x-mem0-surface': 'OSS' }))).toBe(
      '/oss/memories?user_id=a',
    );
    const platform = { 'x-mem0-surface': 'platform', authorization: 'Bearer k' };
    expect(rewriteSurfaceUrl(request('POST', '/v1/memories', platform))).toBe('/v1/memories');
    expect(rewriteSurfaceUrl(request('GET', '/health', { 'x-mem0-surface': 'elsewhere' }))).toBe('/health');
  });
});

describe('surfaceOf', () => {
  it.each([
    ['/memory-system/v1/memories/x', 'memory-system'],
    ['/memory-system', 'memory-system'],
    ['/oss/memories', 'oss'],
    ['/memories?user_id=a', 'oss'],
    ['/memories/abc/history', 'oss'],
    ['/search', 'oss'],
    ['/configure/providers', 'oss'],
    ['/memory/add', 'memory-service'],
    ['/memory-service/memory/list', 'memory-service'],
    ['/health', 'memory-service'],
    ['/v1/memories/', 'platform'],
    ['/v3/memories/search/', 'platform'],
    ['/memoryless', 'platform'],
    ['/healthz', 'platform'],
  ])('%s is for the %s surface', (url, name) => {
    expect(surfaceOf(url).name).toBe(name);
  });
});
