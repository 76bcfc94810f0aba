import { AppConfig, loadConfig } from '@app/core';
import { assertPublic, refusedRange, resolveHost, TargetRefusedError, UrlGuard } from './url-guard';

describe('SSRF guard: address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['64:ff9b::a00:1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['not-an-ip', 'invalid'],
  ])('refuses %s (%s)', (address, label) => {
    expect(refusedRange(address)).toBe(label);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('allows the public address %s', (address) => {
    expect(refusedRange(address)).toBeNull();
  });

  it('refuses a host when any of its addresses is internal, naming it', () => {
    const targets = [
      { address: '93.184.216.34', family: 4 as const },
      { address: '10.0.0.5', family: 4 as const },
    ];
    expect(() => assertPublic('rebind.example', targets)).toThrow(TargetRefusedError);
    expect(() => assertPublic('rebind.example', targets)).toThrow(/resolves to 10\.0\.0\.5, a private address/);
    expect(() => assertPublic('127.0.0.1', [{ address: '127.0.0.1', family: 4 }])).toThrow(/points to 127\.0\.0\.1/);
    expect(() => assertPublic('ok.example', [targets[0]])).not.toThrow();
  });

  it('treats IP literals as their own answer and asks the resolver for names', async () => {
    const resolver = jest.fn().mockResolvedValue([{ address: '10.9.9.9', family: 4 }]);
    await expect(resolveHost('::1', resolver)).resolves.toEqual([{ address: '::1', family: 6 }]);
    await expect(resolveHost('internal.example', resolver)).resolves.toEqual([{ address: '10.9.9.9', family: 4 }]);
    expect(resolver).toHaveBeenCalledTimes(1);
  });
});

describe('UrlGuard', () => {
  const guard = (allow: boolean) =>
    new UrlGuard(loadConfig({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: String(allow) }) as AppConfig);

  it('refuses internal targets at save time, including names and normalised IPv4 forms', async () => {
    expect(await guard(false).refusal('http://127.0.0.1:8080/hook')).toMatch(/loopback/);
    expect(await guard(false).refusal('http://localhost/hook')).toMatch(/loopback/);
    expect(await guard(false).refusal('http://[::1]/hook')).toMatch(/loopback/);
    expect(await guard(false).refusal('http://0x7f.1/hook')).toMatch(/loopback/);
    expect(await guard(false).refusal('http://2130706433/hook')).toMatch(/loopback/);
    expect(await guard(false).refusal('http://169.254.169.254/latest/meta-data')).toMatch(/link-local/);
    expect(await guard(false).refusal('https://8.8.8.8/hook')).toBeNull();
    // A name that does not resolve yet is accepted: delivery checks again.
    expect(await guard(false).refusal('https://no-such-host.invalid/hook')).toBeNull();
  });

  it('pins delivery to the checked address, and stays out of the way when private targets are allowed', async () => {
    await expect(guard(false).pin(new URL('http://localhost:9/'))).rejects.toThrow(TargetRefusedError);
    await expect(guard(false).pin(new URL('https://8.8.8.8/'))).resolves.toEqual({ address: '8.8.8.8', family: 4 });
    await expect(guard(true).pin(new URL('http://localhost:9/'))).resolves.toBeNull();
    expect(await guard(true).refusal('http://127.0.0.1/')).toBeNull();
  });
});
