// src/policy — the ACL of the root policy: every operation on every path, with sudo.
// Contract: capabilities() answers ["root"], check() always allows with rootPrivs.
import { Acl } from './acl.js';

const ROOT = new Acl(undefined);

export function rootAcl(): Acl {
  return ROOT;
}
