import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults and converts types', () => {
    const config = loadConfig({ PORT: '9001', RATE_LIMIT_ENABLED: 'false', BOOTSTRAP_API_KEY: '' });
    expect(config.env.PORT).toBe(9001);
    expect(config.env.RATE_LIMIT_ENABLED).toBe(false);
    expect(config.env.BOOTSTRAP_API_KEY).toBeUndefined();
    expect(config.rateLimit('add')).toBe(config.env.RATE_LIMIT_ADD);
  });

  it('fails at boot with one clear message naming each bad variable and hiding secrets', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must not be greater than 65535/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a postgresql:\/\/ URL/);
    expect(() => loadConfig({ BOOTSTRAP_API_KEY: 'short secret' })).toThrow(/\(got \(hidden\)\)/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be .* \(got \(hidden\)\)/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
