// src/scanner/rules — credentials recognised by structure rather than a vendor prefix:
// private keys (PEM, OpenSSH, PGP; multi-line), JWTs, connection strings and URLs with an
// embedded password, HTTP authorization headers and generic secret assignments.
import type { Rule } from './rule.js';
import { genericAssignmentRule, looksDescriptive } from './generic-assignment.js';

// Built by concatenation so this source file never contains a key-armour literal.
const DASH5 = '-----';
const pemBody = '(?:[ \\t]*[A-Za-z-]+: [^\\r\\n]*\\r?\\n)*(?:[ \\t]*[A-Za-z0-9+/=]{1,100}[ \\t]*\\r?\\n){2,}[ \\t]*';

function armoured(label: string): RegExp {
  const begin = `${DASH5}BEGIN ${label}${DASH5}`;
  const end = `${DASH5}END ${label}${DASH5}`;
  return new RegExp(`(?<secret>${begin}[ \\t]*\\r?\\n${pemBody}${end})`, 'g');
}

/** Canonical key form: the armour label plus the base64 body, without whitespace or headers. */
export function normalizeArmouredKey(block: string): string {
  const lines = block.split(/\r?\n/).map((l) => l.trim());
  const label = (lines[0] ?? '').replace(/-/g, '').trim();
  const body = lines.filter((l) => l !== '' && !l.startsWith(DASH5) && !/^[A-Za-z-]+: /.test(l)).join('');
  return `${label}:${body}`;
}

function decodeJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A JWT is reported only if its header and payload decode to JSON objects with an `alg`. */
export function isStructuredJwt(token: string): boolean {
  const [header, payload] = token.split('.');
  if (header === undefined || payload === undefined) return false;
  const h = decodeJsonSegment(header);
  const p = decodeJsonSegment(payload);
  return typeof h === 'object' && h !== null && 'alg' in h && typeof p === 'object' && p !== null;
}

const DB_SCHEMES =
  'postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse|couchbase|neo4j(?:\\+s)?|cassandra|jdbc:[a-z]+';
const userPass = '(?<user>[A-Za-z0-9._~%!$&*+-]{1,64}):(?<secret>[^\\s:@/\'"`<>{}]{3,128})@(?<host>[A-Za-z0-9.-]+|\\[[0-9a-fA-F:]+\\])';

/** A password in a URL counts unless it repeats the user (guest:guest) or the host is a documentation example. */
export function isUrlPassword(secret: string, groups: Readonly<Record<string, string | undefined>>): boolean {
  const host = (groups['host'] ?? '').toLowerCase();
  if (secret === groups['user'] || looksDescriptive(secret)) return false;
  return !/(?:^|\.)example(?:\.(?:com|org|net))?$|^(?:host|hostname|somehost|your-?host)$/.test(host);
}

export const structuralRules: readonly Rule[] = [
  {
    id: 'private-key',
    description: 'Private key (PEM: PKCS#1, PKCS#8, EC, DSA, encrypted)',
    regex: armoured('(?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY'),
    keywords: ['private key' + DASH5],
    normalize: normalizeArmouredKey,
    checkPlaceholder: false,
  },
  {
    id: 'openssh-private-key',
    description: 'OpenSSH private key',
    regex: armoured('OPENSSH PRIVATE KEY'),
    keywords: ['openssh private key'],
    normalize: normalizeArmouredKey,
    checkPlaceholder: false,
  },
  {
    id: 'pgp-private-key',
    description: 'PGP private key block',
    regex: new RegExp(
      `(?<secret>${DASH5}BEGIN PGP PRIVATE KEY BLOCK${DASH5}[\\s\\S]{20,20000}?${DASH5}END PGP PRIVATE KEY BLOCK${DASH5})`,
      'g',
    ),
    keywords: ['pgp private key block'],
    normalize: normalizeArmouredKey,
    checkPlaceholder: false,
  },
  {
    id: 'jwt',
    description: 'JSON Web Token',
    regex: /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/g,
    keywords: ['eyj'],
    validate: isStructuredJwt,
  },
  {
    id: 'connection-string',
    description: 'Database or message-broker connection string with a password',
    regex: new RegExp(`(?<![A-Za-z0-9+])(?:${DB_SCHEMES})://${userPass}`, 'gi'),
    keywords: ['://'],
    minEntropy: 0,
    validate: isUrlPassword,
  },
  {
    id: 'url-with-password',
    description: 'URL with an embedded password',
    regex: new RegExp(`(?<![A-Za-z0-9+])(?:https?|ftps?|sftp|smtps?|ldaps?|ssh|git|svn|wss?)://${userPass}`, 'gi'),
    keywords: ['://'],
    minEntropy: 0,
    validate: isUrlPassword,
  },
  {
    id: 'authorization-bearer',
    description: 'Bearer token in an Authorization header',
    regex: /authorization["']?\s*[:=,]\s*["']?bearer\s+(?<secret>[A-Za-z0-9._~+/-]{20,}=*)/gi,
    keywords: ['bearer'],
    minEntropy: 3.5,
    generic: true,
  },
  {
    id: 'authorization-basic',
    description: 'Basic credentials in an Authorization header',
    regex: /authorization["']?\s*[:=,]\s*["']?basic\s+(?<secret>[A-Za-z0-9+/]{8,}={0,2})/gi,
    keywords: ['basic'],
    minEntropy: 2.5,
    generic: true,
    validate: (v) => {
      const decoded = Buffer.from(v, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon > 0 && colon < decoded.length - 3 && [...decoded].every((c) => c >= ' ' && c !== '\uFFFD');
    },
  },
  genericAssignmentRule,
];
