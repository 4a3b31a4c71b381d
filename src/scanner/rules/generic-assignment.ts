// src/scanner/rules — the generic rule: a literal assigned to a name that says it is a secret
// (`password`, `secret`, `token`, `api_key`...), in code or config, quoted or not, including
// JSON-escaped quotes. Precision matters more than recall here, so the value must look like a
// literal credential: enough entropy for its length, not a variable reference, not a word.
import { shannonEntropy } from '../entropy.js';
import type { Rule } from './rule.js';

const SECRET_NAME =
  '(?:password|passwd|passphrase|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|private[_.-]?key|credentials?)';

// Names that contain a secret word but hold metadata about it, not the secret itself.
const NOT_A_SECRET_NAME =
  /(hash|digest|checksum|sha\d*|md5|fingerprint|uuid|_id$|id$|ids$|type|name|file|path|url|uri|endpoint|length|size|count|min|max|ttl|expir|timeout|version|field|param|header|prefix|suffix|pattern|regex|format|policy|label|placeholder|hint|env|mode|reset|provider|kind|schema|algorithm|strength|input|column|event|tokeniz|secretary|manager|store|ref$|_at$|limit|enabled|required|cache|accessor)/i;

/**
 * Values that name or describe a secret rather than being one ("db-password",
 * "my-secret-passphrase"), used by the generic and URL rules.
 */
export function looksDescriptive(value: string): boolean {
  if (/secret|passw|passphrase|token|api[_-]?key|credential/i.test(value)) return true;
  return /^[a-z]+(?:[-_.][a-z0-9]+)+$/.test(value);
}

/** An unquoted value that is code: an expression, a type, a path or a regex literal. */
function looksLikeCode(value: string): boolean {
  if (/[()[\]{}<>|$`]/.test(value) || /^[=!~&*%@]/.test(value) || value.endsWith(':')) return true;
  if (/^[A-Z][a-z]+(?:[A-Z0-9][a-z0-9]*)+$/.test(value)) return true;
  return /^[A-Za-z_]+$/.test(value);
}

export function isGenericSecretValue(value: string, groups: Readonly<Record<string, string | undefined>>, before = ''): boolean {
  // The regex starts at the secret word (fast to scan for); the rest of the name precedes it.
  const key = (/[A-Za-z0-9_.-]*$/.exec(before)?.[0] ?? '') + (groups['key'] ?? '');
  if (NOT_A_SECRET_NAME.test(key) || /^pwd$/i.test(key)) return false;
  // Real credentials are printable ASCII; translations and prose are not.
  if (!/^[\x21-\x7e]+$/.test(value)) return false;
  if (groups['q'] === undefined && looksLikeCode(value)) return false;
  // Member access or a call, quoted or not (`req.auth?.token`, `leases.register(`).
  if (/^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+(?:\(|$)/.test(value)) return false;
  if (/^(?:\.{0,2}\/|~\/)/.test(value)) return false;
  if (looksDescriptive(value)) return false;
  if (/^[A-Za-z]+$/.test(value) && value.length < 16) return false;
  if (/^[A-Za-z_]+$/.test(value) && /[a-z][A-Z]|_/.test(value)) return false;
  if (/^(?:true|false|null|none|nil|undefined|string|bytes|optional)$/i.test(value)) return false;
  const threshold = Math.min(3.0, 0.85 * Math.log2(value.length));
  return shannonEntropy(value) >= threshold;
}

export const genericAssignmentRule: Rule = {
  id: 'generic-secret',
  description: 'Generic secret assigned to a password/secret/token/api_key name',
  regex: new RegExp(
    `(?<key>${SECRET_NAME}[A-Za-z0-9_.-]{0,30})(?:\\\\?["'])?[ \\t]{0,4}(?::=|=>|=|:|->)[ \\t]{0,4}(?<q>\\\\?["'\`])?(?<secret>[^\\s'"\`\\\\;,]{8,200})`,
    'gi',
  ),
  keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'],
  generic: true,
  validate: isGenericSecretValue,
};
