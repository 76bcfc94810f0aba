import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const APT_TIMEOUT_MS = 20 * 60_000;

/** Debian's Chromium; installed with apt when missing (the tests run as root, other apt users may hold the lock). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) {
    return;
  }
  const apt = (...args: string[]) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
      stdio: 'inherit',
      timeout: APT_TIMEOUT_MS,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    apt('install', '-y', 'chromium');
  } catch {
    // A fresh machine has no package lists yet.
    apt('update');
    apt('install', '-y', 'chromium');
  }
}

/** The dashboard as the API serves it; built here when `npm test`'s build step has not run. */
export function ensureDashboardBuilt(): void {
  if (!existsSync(join('dist', 'dashboard', 'index.html'))) {
    execFileSync(
      join('node_modules', '.bin', 'vite'),
      ['build', '--config', 'dashboard/vite.config.mts', '--logLevel', 'warn'],
      {
        stdio: 'inherit',
        timeout: 5 * 60_000,
      },
    );
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
