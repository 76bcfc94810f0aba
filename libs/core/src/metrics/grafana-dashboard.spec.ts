import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';
import { MetricsService } from './metrics.service';

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

describe('docker/grafana-mem0.json', () => {
  const config = loadConfig();
  const dashboard = JSON.parse(readFileSync(join(config.projectRoot, 'docker/grafana-mem0.json'), 'utf8')) as Dashboard;
  // The pool is only read at scrape time; none happens here.
  const metrics = new MetricsService(config, {} as PrismaService);
  const defined = new Set(metrics.registry.getMetricsAsArray().map((metric) => metric.name));

  it('queries only metrics the server defines', () => {
    const used = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) => [...target.expr.matchAll(/\bmem0_\w+/g)].map(([name]) => name)),
    );
    const unknown = used.map((name) => name.replace(/_(bucket|count|sum)$/, '')).filter((name) => !defined.has(name));
    expect(used.length).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('has a panel for each area the README lists', () => {
    const titles = dashboard.panels.map((panel) => panel.title).join(' | ');
    for (const area of [
      /Request rate/,
      /p95 latency/,
      /Error rate/,
      /Queue depth/,
      /Job failures/,
      /Webhook/,
      /Search plans/,
      /AI call/,
      /DB pool/,
    ]) {
      expect(titles).toMatch(area);
    }
  });
});
