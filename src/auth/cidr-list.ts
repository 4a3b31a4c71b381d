// src/auth — CIDR lists (token_bound_cidrs, secret_id_bound_cidrs): parsing with a 400 that
// names the field, and matching a client address with node:net's BlockList (IPv4 and IPv6,
// IPv4-mapped IPv6 addresses treated as IPv4).
import { BlockList, isIP } from 'node:net';
import { ArcaError } from '../lib/errors.js';

/** Validates and normalises CIDRs ("10.0.0.0/8", "::1/128"; a bare address = /32 or /128). */
export function parseCidrs(list: readonly string[], fieldName: string): string[] {
  return list.map((raw) => {
    const text = raw.trim();
    const [addr, bits, extra] = text.split('/');
    const family = isIP(addr ?? '');
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      throw new ArcaError('invalid_request', `invalid CIDR in "${fieldName}": ${JSON.stringify(text.slice(0, 64))}`);
    }
    return `${addr}/${prefix}`;
  });
}

/** True when `cidrs` is empty (no restriction) or `address` falls inside one of them. */
export function addressAllowed(cidrs: readonly string[], address: string): boolean {
  if (cidrs.length === 0) return true;
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(plain);
  if (family === 0) return false;
  const list = new BlockList();
  for (const c of cidrs) {
    const [net, bits] = c.split('/') as [string, string];
    const type = isIP(net) === 4 ? 'ipv4' : 'ipv6';
    list.addSubnet(net, Number(bits), type);
  }
  return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}
