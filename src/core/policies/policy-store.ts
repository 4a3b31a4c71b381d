// src/core/policies — stored ACL policies (sys/policy/<name>, above the barrier) and a
// cache of compiled ACLs keyed by the sorted set of policy names a token carries. The cache
// is what keeps authorisation off the storage path for every request; any policy write or
// delete clears it. Templated ACLs are rendered from an entity's identity, so they are kept
// apart and also dropped on every identity write (dropIdentityAcls). `root` and `response-wrapping` are built in and never stored; `default`
// is created on first start.
import { ArcaError } from '../../lib/errors.js';
import type { Storage } from '../../storage/storage.js';
import { parsePolicy } from '../../policy/parse-policy.js';
import type { Policy } from '../../policy/policy.js';
import { compileAcl } from '../../policy/compile-acl.js';
import type { Acl } from '../../policy/acl.js';
import { rootAcl } from '../../policy/root-acl.js';
import { renderPolicy } from '../../policy/render-policy.js';
import type { TemplateIdentity } from '../../policy/render-policy-template.js';
import { defaultPolicyText } from '../../policy/default-policy.js';
import { RESPONSE_WRAPPING_POLICY, responseWrappingPolicyText } from '../wrapping/response-wrapping-policy.js';

interface StoredPolicy {
  readonly name: string;
  readonly policy: string;
}

const PREFIX = 'sys/policy/';
const NAME_RE = /^[a-z0-9][a-z0-9_.@+-]{0,127}$/;
const MAX_CACHED_ACLS = 4096;

export class PolicyStore {
  private readonly storage: Storage;
  private readonly parsed = new Map<string, Policy | null>();
  private readonly acls = new Map<string, Acl>();
  /** Rendered templated ACLs, keyed by policy set and entity id. */
  private readonly identityAcls = new Map<string, Acl>();
  private readonly root = rootAcl();

  private readonly onChange: ((keyPrefix: string) => void) | undefined;

  /** `onChange` is told after every write/delete so other nodes drop their caches. */
  constructor(storage: Storage, onChange?: (keyPrefix: string) => void) {
    this.storage = storage;
    this.onChange = onChange;
  }

  async load(): Promise<void> {
    this.invalidate();
    if (!(await this.storage.get(PREFIX + 'default'))) await this.write('default', defaultPolicyText);
  }

  static normalizeName(name: string): string {
    const n = name.trim().toLowerCase();
    if (!NAME_RE.test(n)) throw new ArcaError('invalid_request', `invalid policy name ${JSON.stringify(name.slice(0, 130))}`);
    return n;
  }

  async list(): Promise<string[]> {
    const names = await this.storage.list(PREFIX);
    return [...names.filter((n) => !n.endsWith('/')), 'root'].sort();
  }

  /** The stored text, or undefined. `root` has no text. */
  async read(name: string): Promise<string | undefined> {
    const n = PolicyStore.normalizeName(name);
    if (n === 'root') return '';
    if (n === RESPONSE_WRAPPING_POLICY) return responseWrappingPolicyText;
    const raw = await this.storage.get(PREFIX + n);
    return raw ? (JSON.parse(Buffer.from(raw).toString('utf8')) as StoredPolicy).policy : undefined;
  }

  async write(name: string, text: string): Promise<void> {
    const n = PolicyStore.normalizeName(name);
    if (n === 'root' || n === RESPONSE_WRAPPING_POLICY) throw new ArcaError('invalid_request', `cannot update "${n}" policy`);
    parsePolicy(n, text); // throws a 400 with line/column on a syntax error
    const stored: StoredPolicy = { name: n, policy: text };
    await this.storage.put(PREFIX + n, Buffer.from(JSON.stringify(stored)));
    this.invalidate();
    this.onChange?.(PREFIX);
  }

  async delete(name: string): Promise<void> {
    const n = PolicyStore.normalizeName(name);
    if (n === 'root' || n === 'default' || n === RESPONSE_WRAPPING_POLICY) throw new ArcaError('invalid_request', `cannot delete "${n}" policy`);
    await this.storage.delete(PREFIX + n);
    this.invalidate();
    this.onChange?.(PREFIX);
  }

  /**
   * The compiled ACL for a set of policy names; unknown names contribute nothing. Templated
   * policies ({{identity.entity.id}}...) are rendered for `identity`; their ACL is cached per
   * entity (`identity.entityId`: the entity the template was rendered for, a merge target
   * for a merged-away token), plain ones once per policy set.
   */
  async acl(names: readonly string[], identity?: { readonly entityId: string; readonly template: TemplateIdentity }): Promise<Acl> {
    if (names.includes('root')) return this.root;
    const setKey = policySetKey(names);
    const cached = this.acls.get(setKey) ?? (identity ? this.identityAcls.get(`${setKey}\u0000${identity.entityId}`) : undefined);
    if (cached) return cached;
    const policies: Policy[] = [];
    let templated = false;
    for (const name of setKey.split('\n')) {
      if (name === '') continue;
      const p = await this.policy(name);
      if (!p) continue;
      templated ||= p.templated;
      policies.push(p.templated && identity ? renderPolicy(p, identity.template) : p);
    }
    const acl = compileAcl(policies);
    const cache = templated && identity ? this.identityAcls : this.acls;
    if (cache.size >= MAX_CACHED_ACLS) cache.clear();
    cache.set(templated && identity ? `${setKey}\u0000${identity.entityId}` : setKey, acl);
    return acl;
  }

  /**
   * Drops the templated ACLs (after an identity write here or on another node): an entity's
   * name, metadata, aliases or groups may have changed, or it may have been merged away.
   */
  dropIdentityAcls(): void {
    this.identityAcls.clear();
  }

  /** Drops every cached policy and ACL (after a write here or on another node). */
  invalidate(): void {
    this.parsed.clear();
    this.acls.clear();
    this.identityAcls.clear();
  }

  private async policy(name: string): Promise<Policy | undefined> {
    if (this.parsed.has(name)) return this.parsed.get(name) ?? undefined;
    const text = await this.read(name).catch(() => undefined);
    const p = text === undefined ? null : parsePolicy(name, text);
    this.parsed.set(name, p);
    return p ?? undefined;
  }
}

/**
 * A policy set's cache key: its distinct names, sorted. A frozen list (a cached token
 * entry's policies, the same array on every request of the token) has its key remembered,
 * sparing a copy, a sort and a join per request.
 */
const setKeys = new WeakMap<readonly string[], string>();

function policySetKey(names: readonly string[]): string {
  const known = setKeys.get(names);
  if (known !== undefined) return known;
  const key = [...new Set(names)].sort().join('\n');
  if (Object.isFrozen(names)) setKeys.set(names, key);
  return key;
}
