import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { AppConfig } from '@app/core';

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedTarget[]>;

const LABELS: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  uniqueLocal: 'private',
  linkLocal: 'link-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  carrierGradeNat: 'carrier-grade NAT',
};

/**
 * Why an address may not be a webhook target, or null for a public unicast one. Only ipaddr.js's
 * `unicast` passes: loopback, RFC 1918, fc00::/7, link-local (the 169.254.169.254 metadata service),
 * unspecified, multicast, CGNAT, reserved and tunnel ranges that embed IPv4 (6to4, NAT64) are refused;
 * an IPv4-mapped IPv6 address is judged as its IPv4 address.
 */
export function refusedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) {
    return 'invalid';
  }
  let parsed = ipaddr.parse(address);
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) {
    parsed = parsed.toIPv4Address();
  }
  const range = parsed.range();
  return range === 'unicast' ? null : (LABELS[range] ?? 'reserved');
}

export class TargetRefusedError extends Error {}

/** The URL's host without IPv6 brackets (WHATWG URL has already normalised `0x7f.1` and friends). */
export function targetHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** Every address the host stands for (an IP literal is its own answer); DNS errors propagate. */
export async function resolveHost(host: string, resolver: Resolver = systemResolver): Promise<ResolvedTarget[]> {
  const family = isIP(host);
  return family ? [{ address: host, family: family === 6 ? 6 : 4 }] : resolver(host);
}

/** Throws TargetRefusedError naming the first internal address among the answers. */
export function assertPublic(host: string, targets: ResolvedTarget[]): void {
  for (const { address } of targets) {
    const range = refusedRange(address);
    if (range) {
      const where = address === host ? `points to ${address}` : `resolves to ${address}`;
      throw new TargetRefusedError(
        `Webhook URL ${where}, a ${range} address; internal addresses are refused (WEBHOOKS_ALLOW_PRIVATE_TARGETS).`,
      );
    }
  }
}

/** The SSRF guard, applied when a webhook is saved and again, after a fresh DNS lookup, on every delivery. */
@Injectable()
export class UrlGuard {
  private readonly allowPrivate: boolean;

  constructor(config: AppConfig) {
    this.allowPrivate = config.env.WEBHOOKS_ALLOW_PRIVATE_TARGETS;
  }

  /**
   * At create/update: the refusal message, or null. A name that does not resolve (yet) is accepted:
   * DNS can change either way, so delivery checks again.
   */
  async refusal(url: string): Promise<string | null> {
    if (this.allowPrivate) {
      return null;
    }
    const host = targetHost(new URL(url));
    const targets = await resolveHost(host).catch(() => []);
    try {
      assertPublic(host, targets);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /**
   * At delivery: the checked address to connect to, so a second (rebinding) DNS answer can't slip in
   * between check and connect; null when internal targets are allowed (the OS resolves as usual).
   */
  async pin(url: URL): Promise<ResolvedTarget | null> {
    if (this.allowPrivate) {
      return null;
    }
    const host = targetHost(url);
    const targets = await resolveHost(host);
    assertPublic(host, targets);
    return targets[0];
  }
}
