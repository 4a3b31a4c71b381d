// src/scanner — the stable identity of a finding: kind + SHA-256 of the secret + file path.
// No line and no commit, so a baseline entry survives line moves, reformatting (PEM bodies
// are normalised before hashing) and squash merges.
import { createHash } from 'node:crypto';

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function fingerprintOf(kind: string, secret: string, file: string): string {
  return createHash('sha256').update(`${kind}\0${secretHash(secret)}\0${file}`, 'utf8').digest('hex').slice(0, 40);
}
