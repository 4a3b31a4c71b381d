// src/scanner/rules — cloud providers and infrastructure platforms.
import type { Rule } from './rule.js';
import { contextRule, tokenRule } from './rule-helpers.js';

export const cloudRules: readonly Rule[] = [
  tokenRule('aws-access-key-id', 'AWS access key ID', '(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}', ['akia', 'asia', 'abia', 'acca'], { minEntropy: 3 }),
  contextRule('aws-secret-access-key', 'AWS secret access key', 'aws.{0,20}?(?:secret|sk)', '[A-Za-z0-9/+]{40}', ['aws'], 3.8),
  tokenRule('gcp-api-key', 'Google Cloud / Gemini API key', 'AIza[0-9A-Za-z_-]{35}', ['aiza'], { minEntropy: 3.5 }),
  tokenRule('gcp-oauth-client-secret', 'Google OAuth client secret', 'GOCSPX-[A-Za-z0-9_-]{28}', ['gocspx-']),
  tokenRule('azure-ad-client-secret', 'Azure AD client secret', '[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}', ['q~'], { minEntropy: 3.5 }),
  {
    id: 'azure-storage-account-key',
    description: 'Azure storage account key',
    regex: /AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)/g,
    keywords: ['accountkey='],
    minEntropy: 4,
  },
  tokenRule('digitalocean-token', 'DigitalOcean token', 'do[opr]_v1_[a-f0-9]{64}', ['_v1_']),
  tokenRule('alibaba-access-key-id', 'Alibaba Cloud AccessKey ID', 'LTAI[A-Za-z0-9]{20}', ['ltai'], { minEntropy: 3.3 }),
  tokenRule('heroku-api-key', 'Heroku API key', 'HRKU-[A-Za-z0-9_-]{60}', ['hrku-']),
  contextRule('cloudflare-api-token', 'Cloudflare API token', 'cloudflare', '[A-Za-z0-9_-]{40}', ['cloudflare'], 3.8),
  tokenRule('flyio-token', 'Fly.io access token', 'fo1_[A-Za-z0-9_-]{43}', ['fo1_']),
  tokenRule('doppler-token', 'Doppler token', 'dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}', ['dp.']),
  tokenRule('vault-token', 'HashiCorp Vault / Arca token', 'hv[sb]\\.[A-Za-z0-9_-]{90,120}', ['hvs.', 'hvb.']),
  tokenRule('terraform-cloud-token', 'Terraform Cloud API token', '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}', ['atlasv1']),
  tokenRule('databricks-token', 'Databricks access token', 'dapi[a-f0-9]{32}(?:-\\d)?', ['dapi']),
  tokenRule('pulumi-token', 'Pulumi access token', 'pul-[a-f0-9]{40}', ['pul-']),
  tokenRule('planetscale-token', 'PlanetScale token or password', 'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}', ['pscale_']),
  tokenRule('supabase-token', 'Supabase access token', 'sbp_[a-f0-9]{40}', ['sbp_']),
  tokenRule('age-secret-key', 'age encryption secret key', 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}', ['age-secret-key-1']),
  tokenRule('newrelic-user-key', 'New Relic user API key', 'NRAK-[A-Z0-9]{27}', ['nrak-']),
  tokenRule('grafana-token', 'Grafana service account or cloud token', 'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2}', ['glsa_', 'glc_']),
  tokenRule('dynatrace-token', 'Dynatrace API token', 'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}', ['dt0c01.']),
  tokenRule('sentry-token', 'Sentry auth token', 'sntry[su]_[A-Za-z0-9+/=_]{60,200}', ['sntrys_', 'sntryu_']),
];
