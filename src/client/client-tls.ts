// src/client — the client's TLS settings, as Vault's api.TLSConfig has them: a CA file or a
// directory of CA files to verify the server with (instead of Node's default roots), a client
// certificate and key (for the cert auth method), the name to send as SNI and check the
// server's certificate against, and an opt-in to skip verification.
//
// Files are read when the client is built, so a missing or unparsable file is reported once,
// naming the file, before any request. Messages name files only: a key's or certificate's
// content is never quoted (Node's own parse errors do not quote it either).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';

export interface ClientTlsConfig {
  /** PEM file of CA certificates; takes precedence over caPath (Vault's rule). */
  readonly caCert?: string | undefined;
  /** Directory of PEM CA files; every regular file in it (recursively) must parse. */
  readonly caPath?: string | undefined;
  /** PEM client certificate (any intermediates after it); needs clientKey. */
  readonly clientCert?: string | undefined;
  readonly clientKey?: string | undefined;
  /** SNI host name, and the name the server's certificate must carry. */
  readonly serverName?: string | undefined;
  /** Accept any server certificate. Only when asked; never a fallback. */
  readonly skipVerify?: boolean | undefined;
}

/** What a TLS connection is opened with (node:tls / undici `connect` options). */
export interface TlsConnectOptions {
  readonly ca?: string[];
  readonly cert?: string;
  readonly key?: string;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
}

/** A TLS setting that cannot be used; the message names the setting and file. */
export class ClientTlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientTlsError';
  }
}

/** True when the settings change anything from a default TLS connection. */
export function hasClientTls(config: ClientTlsConfig | undefined): config is ClientTlsConfig {
  if (config === undefined) return false;
  return [config.caCert, config.caPath, config.clientCert, config.clientKey, config.serverName].some((v) => v !== undefined && v !== '') || config.skipVerify === true;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function readText(what: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ClientTlsError(`Error loading ${what} ${JSON.stringify(file)}: ${describeFsError(err)}`);
  }
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR') return 'not a directory';
  return typeof code === 'string' ? code : 'unreadable';
}

/** The PEM certificates in `text`, each checked to parse; none is an error naming `file`. */
function certificatesIn(what: string, file: string, text: string): string[] {
  const blocks = text.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) throw new ClientTlsError(`Error loading ${what} ${JSON.stringify(file)}: no PEM certificate found`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new ClientTlsError(`Error loading ${what} ${JSON.stringify(file)}: a certificate in it does not parse`);
    }
  }
  return blocks;
}

function filesUnder(dir: string): string[] {
  try {
    if (!statSync(dir).isDirectory()) throw new ClientTlsError(`Error loading CA path ${JSON.stringify(dir)}: not a directory`);
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((name) => join(dir, name))
      .filter((file) => statSync(file).isFile())
      .sort();
  } catch (err) {
    if (err instanceof ClientTlsError) throw err;
    throw new ClientTlsError(`Error loading CA path ${JSON.stringify(dir)}: ${describeFsError(err)}`);
  }
}

/** Reads and checks the files the settings name; throws ClientTlsError when one is unusable. */
export function loadClientTls(config: ClientTlsConfig): TlsConnectOptions {
  const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v !== '' ? v : undefined);
  const caCert = nonEmpty(config.caCert);
  const caPath = nonEmpty(config.caPath);
  const clientCert = nonEmpty(config.clientCert);
  const clientKey = nonEmpty(config.clientKey);
  const serverName = nonEmpty(config.serverName);
  if ((clientCert === undefined) !== (clientKey === undefined)) throw new ClientTlsError('both client cert and client key must be provided');

  let ca: string[] | undefined;
  if (caCert !== undefined) ca = certificatesIn('CA file', caCert, readText('CA file', caCert));
  else if (caPath !== undefined) {
    ca = filesUnder(caPath).flatMap((file) => certificatesIn('CA path file', file, readText('CA path file', file)));
    if (ca.length === 0) throw new ClientTlsError(`Error loading CA path ${JSON.stringify(caPath)}: no certificate files in it`);
  }

  let cert: string | undefined;
  let key: string | undefined;
  if (clientCert !== undefined && clientKey !== undefined) {
    cert = readText('client certificate', clientCert);
    certificatesIn('client certificate', clientCert, cert);
    key = readText('client key', clientKey);
    try {
      createPrivateKey(key);
    } catch {
      throw new ClientTlsError(`Error loading client key ${JSON.stringify(clientKey)}: not a PEM private key`);
    }
    try {
      createSecureContext({ cert, key });
    } catch {
      throw new ClientTlsError(`Error loading client certificate ${JSON.stringify(clientCert)}: it does not match the key in ${JSON.stringify(clientKey)}`);
    }
  }

  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(serverName !== undefined ? { servername: serverName } : {}),
    rejectUnauthorized: config.skipVerify !== true,
  };
}
