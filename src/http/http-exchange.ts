// src/http — one HTTP exchange as plain data, independent of node:http, so the same
// handler serves the real listener, the LIST-method fallback and in-process tests.

import type { PeerCertificate } from '../framework/logical.js';

export interface HttpInput {
  readonly method: string;
  /** Path and query as received, e.g. "/v1/secret/data/a?version=2". */
  readonly url: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  readonly remoteAddress: string;
  /** The TLS client certificate, unverified (see LogicalRequest.peerCertificate). */
  readonly peerCertificate?: PeerCertificate;
}

export interface HttpOutput {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}
