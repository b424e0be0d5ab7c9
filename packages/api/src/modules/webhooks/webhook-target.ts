import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../../platform/errors.js';

/** Who may be called: private addresses only when the operator says so (WEBHOOKS_ALLOW_PRIVATE or a CIDR allow list). */
export interface TargetPolicy {
  allowPrivate: boolean;
  /** CIDRs (IPv4 or IPv6) allowed even though they are private, e.g. an on-premises ERP at 10.1.2.3/32. */
  allowedCidrs: string[];
}

// Addresses a webhook must never reach by default: loopback, private, link-local (cloud metadata lives
// at 169.254.169.254 and fd00:ec2::254), CGNAT, multicast, reserved, and the IPv6 equivalents.
const refused = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) refused.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) refused.addSubnet(net, prefix, 'ipv6');

/** An IPv4 address written inside IPv6 (::ffff:10.0.0.1, ::10.0.0.1), as the IPv4 address it is. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^::(?:ffff:(?:0:)?)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^::(?:ffff:(?:0:)?)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** True when the address is one a webhook may not call under this policy. */
export function isRefusedAddress(address: string, policy: TargetPolicy): boolean {
  const family = isIP(address);
  if (!family) return true;
  const v4 = family === 6 ? embeddedIpv4(address) : address;
  const ip = v4 ?? address;
  const type = v4 ? 'ipv4' : 'ipv6';
  if (policy.allowPrivate) return false;
  if (policy.allowedCidrs.length && allowList(policy.allowedCidrs).check(ip, type)) return false;
  return refused.check(ip, type);
}

const allowLists = new Map<string, BlockList>();
function allowList(cidrs: string[]): BlockList {
  const key = cidrs.join(',');
  let list = allowLists.get(key);
  if (!list) {
    list = new BlockList();
    for (const cidr of cidrs) {
      const [net, bits] = cidr.split('/');
      const type = isIP(net!) === 6 ? 'ipv6' : 'ipv4';
      list.addSubnet(net!, Number(bits ?? (type === 'ipv6' ? 128 : 32)), type);
    }
    allowLists.set(key, list);
  }
  return list;
}

/** Parses a target URL: http(s) only, no credentials in it. */
export function parseTargetUrl(raw: string, field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw AppError.invalidField(field, 'is not a URL; give an absolute http:// or https:// address');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw AppError.invalidField(field, 'must use http or https');
  if (url.username || url.password) throw AppError.invalidField(field, 'must not carry credentials; the signature authenticates the sender');
  return url;
}

/**
 * Resolves the host and answers the one address to connect to, refusing the target when any address it
 * resolves to is refused (a name that points at both a public and a private address is refused). Run
 * at create time and again for every attempt, on the address actually connected to (DNS rebinding).
 */
export async function resolveTarget(url: URL, policy: TargetPolicy, field = 'url'): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch {
      throw AppError.invalidField(field, `host "${host}" does not resolve`);
    }
  }
  const bad = addresses.find((a) => isRefusedAddress(a.address, policy));
  if (bad || !addresses.length) {
    throw AppError.invalidField(field, `resolves to ${bad?.address ?? 'nothing'}, a private, loopback, link-local or reserved address; webhooks call public addresses only (an operator may allow private ones with WEBHOOKS_ALLOW_PRIVATE or WEBHOOKS_ALLOWED_CIDRS)`, 'refused_address');
  }
  return { address: addresses[0]!.address, family: addresses[0]!.family === 6 ? 6 : 4 };
}
