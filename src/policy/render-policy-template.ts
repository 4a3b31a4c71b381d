// src/policy — identity templating of policy paths (`{{identity.entity.id}}` and friends).
// Contract: renderPolicyTemplate returns the rendered text, or undefined when any placeholder
// cannot be resolved for this identity (Vault then drops the path instead of failing). A
// resolved value that is empty or contains "/", "*", "{{" or "}}", or is "+", also makes the
// text unresolvable: a value must never widen the pattern it is pasted into (an alias named
// "*" or "bob/x" must not reach other people's paths).

export interface TemplateAlias {
  readonly name: string;
  readonly id?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface TemplateIdentity {
  readonly entity?: {
    readonly id: string;
    readonly name: string;
    readonly metadata: Readonly<Record<string, string>>;
    /** Keyed by the auth mount accessor. */
    readonly aliases: Readonly<Record<string, TemplateAlias>>;
  };
  readonly groups?: readonly { readonly id: string; readonly name: string }[];
}

const OPEN = '{{';
const CLOSE = '}}';

function own(record: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function resolveAlias(rest: string, identity: TemplateIdentity): string | undefined {
  const dot = rest.indexOf('.');
  if (dot <= 0) return undefined;
  const accessor = rest.slice(0, dot);
  const field = rest.slice(dot + 1);
  const aliases = identity.entity?.aliases;
  const alias = aliases !== undefined && Object.hasOwn(aliases, accessor) ? aliases[accessor] : undefined;
  if (alias === undefined) return undefined;
  if (field === 'name') return alias.name;
  if (field === 'id') return alias.id;
  if (field.startsWith('metadata.')) return own(alias.metadata, field.slice('metadata.'.length));
  return undefined;
}

function resolveGroup(expr: string, identity: TemplateIdentity): string | undefined {
  const groups = identity.groups ?? [];
  if (expr.startsWith('identity.groups.ids.') && expr.endsWith('.name')) {
    const id = expr.slice('identity.groups.ids.'.length, -'.name'.length);
    return groups.find((g) => g.id === id)?.name;
  }
  if (expr.startsWith('identity.groups.names.') && expr.endsWith('.id')) {
    const name = expr.slice('identity.groups.names.'.length, -'.id'.length);
    return groups.find((g) => g.name === name)?.id;
  }
  return undefined;
}

/** The value of one placeholder (already trimmed), or undefined. */
function resolve(expr: string, identity: TemplateIdentity): string | undefined {
  const entity = identity.entity;
  if (expr === 'identity.entity.id') return entity?.id;
  if (expr === 'identity.entity.name') return entity?.name;
  if (expr.startsWith('identity.entity.metadata.')) {
    return own(entity?.metadata, expr.slice('identity.entity.metadata.'.length));
  }
  if (expr.startsWith('identity.entity.aliases.')) {
    return resolveAlias(expr.slice('identity.entity.aliases.'.length), identity);
  }
  return resolveGroup(expr, identity);
}

const PLACEHOLDER = new RegExp(
  '^identity\\.(entity\\.(id|name|metadata\\.[^\\s]+|aliases\\.[^.\\s]+\\.(id|name|metadata\\.[^\\s]+))' +
    '|groups\\.(ids\\.[^\\s]+\\.name|names\\.[^\\s]+\\.id))$',
);

function safeValue(value: string | undefined): value is string {
  return (
    value !== undefined && value !== '' && value !== '+' && !value.includes('/') && !value.includes('*') &&
    !value.includes(OPEN) && !value.includes(CLOSE)
  );
}

/**
 * Checks placeholder syntax without an identity. Returns whether `text` is templated, or an
 * error message naming the first malformed placeholder.
 */
export function checkPolicyTemplate(text: string): { templated: boolean; error?: string } {
  let templated = false;
  let at = text.indexOf(OPEN);
  while (at >= 0) {
    const end = text.indexOf(CLOSE, at + OPEN.length);
    if (end < 0) return { templated, error: 'unterminated template placeholder "{{"' };
    const expr = text.slice(at + OPEN.length, end).trim();
    if (!PLACEHOLDER.test(expr)) return { templated, error: `unsupported template placeholder "${expr.slice(0, 100)}"` };
    templated = true;
    at = text.indexOf(OPEN, end + CLOSE.length);
  }
  return { templated };
}

export function renderPolicyTemplate(text: string, identity: TemplateIdentity): string | undefined {
  let out = '';
  let from = 0;
  let at = text.indexOf(OPEN);
  while (at >= 0) {
    const end = text.indexOf(CLOSE, at + OPEN.length);
    if (end < 0) return undefined;
    const expr = text.slice(at + OPEN.length, end).trim();
    const value = PLACEHOLDER.test(expr) ? resolve(expr, identity) : undefined;
    if (!safeValue(value)) return undefined;
    out += text.slice(from, at) + value;
    from = end + CLOSE.length;
    at = text.indexOf(OPEN, from);
  }
  return out + text.slice(from);
}
