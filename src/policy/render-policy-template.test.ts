import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileAcl } from './compile-acl.js';
import { parsePolicy } from './parse-policy.js';
import { renderPolicy } from './render-policy.js';
import { checkPolicyTemplate, renderPolicyTemplate } from './render-policy-template.js';
import type { TemplateIdentity } from './render-policy-template.js';

const identity: TemplateIdentity = {
  entity: {
    id: 'e-123',
    name: 'alice',
    metadata: { team: 'blue', empty: '', star: 'a*', slash: 'x/y' },
    aliases: { auth_userpass_1a2b: { name: 'alice-up', id: 'al-1', metadata: { region: 'eu' } } },
  },
  groups: [{ id: 'g-1', name: 'admins' }, { id: 'g-2', name: 'devs' }],
};

test('every supported placeholder renders', () => {
  const cases: [string, string][] = [
    ['kv/{{identity.entity.id}}/*', 'kv/e-123/*'],
    ['kv/{{ identity.entity.name }}', 'kv/alice'],
    ['kv/{{identity.entity.metadata.team}}/x', 'kv/blue/x'],
    ['kv/{{identity.entity.aliases.auth_userpass_1a2b.name}}', 'kv/alice-up'],
    ['kv/{{identity.entity.aliases.auth_userpass_1a2b.id}}', 'kv/al-1'],
    ['kv/{{identity.entity.aliases.auth_userpass_1a2b.metadata.region}}', 'kv/eu'],
    ['kv/{{identity.groups.names.devs.id}}', 'kv/g-2'],
    ['kv/{{identity.groups.ids.g-1.name}}', 'kv/admins'],
    ['kv/{{identity.entity.id}}-{{identity.entity.name}}', 'kv/e-123-alice'],
    ['kv/plain', 'kv/plain'],
  ];
  for (const [template, expected] of cases) assert.equal(renderPolicyTemplate(template, identity), expected, template);
});

test('unresolvable placeholders make the text unresolvable', () => {
  for (const template of [
    'kv/{{identity.entity.metadata.missing}}',
    'kv/{{identity.entity.aliases.auth_other.name}}',
    'kv/{{identity.groups.names.nobody.id}}',
    'kv/{{identity.groups.ids.g-9.name}}',
    'kv/{{identity.entity.nope}}',
    'kv/{{identity.entity.id',
    'kv/{{identity.entity.metadata.constructor}}',
  ]) {
    assert.equal(renderPolicyTemplate(template, identity), undefined, template);
  }
  assert.equal(renderPolicyTemplate('kv/{{identity.entity.id}}', {}), undefined);
  assert.equal(renderPolicyTemplate('kv/{{identity.groups.ids.g-1.name}}', { entity: identity.entity as NonNullable<TemplateIdentity['entity']> }), undefined);
});

test('values that would widen a pattern are refused', () => {
  assert.equal(renderPolicyTemplate('kv/{{identity.entity.metadata.empty}}/*', identity), undefined);
  assert.equal(renderPolicyTemplate('kv/{{identity.entity.metadata.star}}', identity), undefined);
  assert.equal(renderPolicyTemplate('kv/{{identity.entity.metadata.slash}}/*', identity), undefined);
  const plus: TemplateIdentity = { entity: { id: '+', name: 'n', metadata: {}, aliases: {} } };
  assert.equal(renderPolicyTemplate('kv/{{identity.entity.id}}/x', plus), undefined);
});

test('checkPolicyTemplate validates syntax without an identity', () => {
  assert.deepEqual(checkPolicyTemplate('kv/x'), { templated: false });
  assert.deepEqual(checkPolicyTemplate('kv/{{identity.entity.id}}'), { templated: true });
  assert.match(checkPolicyTemplate('kv/{{identity.x}}').error ?? '', /unsupported template placeholder "identity.x"/);
  assert.match(checkPolicyTemplate('kv/{{identity.entity.id').error ?? '', /unterminated/);
});

test('renderPolicy keeps plain paths, renders templated ones and drops the unresolvable', () => {
  const policy = parsePolicy(
    't',
    `path "kv/{{identity.entity.name}}/*" { capabilities = ["read"] }
     path "kv/team/{{identity.entity.metadata.missing}}" { capabilities = ["update"] }
     path "shared" { capabilities = ["list"] }`,
  );
  const rendered = renderPolicy(policy, identity);
  assert.equal(rendered.templated, false);
  assert.deepEqual(rendered.paths.map((p) => p.path), ['kv/alice/*', 'shared']);
  const acl = compileAcl([rendered]);
  assert.deepEqual(acl.capabilities('kv/alice/x'), ['read']);
  assert.deepEqual(acl.capabilities('kv/bob/x'), ['deny']);
  assert.deepEqual(acl.capabilities('shared'), ['list']);
  const plain = parsePolicy('p', 'path "a" { capabilities = ["read"] }');
  assert.equal(renderPolicy(plain, identity), plain);
});
