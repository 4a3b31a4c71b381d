// src/scanner/rules — source hosting, CI/CD and package registries. GitHub's classic tokens
// and npm's carry a CRC32 checksum; a value with a wrong checksum is not reported as them.
import { hasValidCrc32Checksum } from '../checksum.js';
import type { Rule } from './rule.js';
import { tokenRule } from './rule-helpers.js';

const githubChecksum = (token: string): boolean => hasValidCrc32Checksum(token, 4);

export const devRules: readonly Rule[] = [
  tokenRule('github-pat', 'GitHub personal access token (classic)', 'ghp_[A-Za-z0-9]{36}', ['ghp_'], { validate: githubChecksum }),
  tokenRule('github-oauth-token', 'GitHub OAuth access token', 'gho_[A-Za-z0-9]{36}', ['gho_'], { validate: githubChecksum }),
  tokenRule('github-user-token', 'GitHub user-to-server token', 'ghu_[A-Za-z0-9]{36}', ['ghu_'], { validate: githubChecksum }),
  tokenRule('github-app-token', 'GitHub server-to-server (app installation) token', 'ghs_[A-Za-z0-9]{36}', ['ghs_'], { validate: githubChecksum }),
  tokenRule('github-refresh-token', 'GitHub refresh token', 'ghr_[A-Za-z0-9]{36}', ['ghr_'], { validate: githubChecksum }),
  tokenRule('github-fine-grained-pat', 'GitHub fine-grained personal access token', 'github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}', ['github_pat_']),
  tokenRule('gitlab-pat', 'GitLab personal, project or group access token', 'glpat-[A-Za-z0-9_-]{20}', ['glpat-']),
  tokenRule('gitlab-pipeline-trigger-token', 'GitLab pipeline trigger token', 'glptt-[a-f0-9]{40}', ['glptt-']),
  tokenRule('gitlab-runner-token', 'GitLab runner authentication token', 'glrt-[A-Za-z0-9_-]{20}', ['glrt-']),
  tokenRule('gitlab-deploy-token', 'GitLab deploy token', 'gldt-[A-Za-z0-9_-]{20}', ['gldt-']),
  tokenRule('bitbucket-app-password', 'Bitbucket app password', 'ATBB[A-Za-z0-9_=.-]{32}', ['atbb']),
  tokenRule('atlassian-api-token', 'Atlassian API token', 'ATATT3[A-Za-z0-9_=-]{180,190}', ['atatt3']),
  tokenRule('buildkite-token', 'Buildkite agent or API token', 'bkua_[a-f0-9]{40}', ['bkua_']),
  tokenRule('circleci-token', 'CircleCI personal API token', 'CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}', ['ccipat_']),
  tokenRule('npm-token', 'npm access token', 'npm_[A-Za-z0-9]{36}', ['npm_'], { validate: githubChecksum }),
  tokenRule('pypi-token', 'PyPI upload token', 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}', ['pypi-ageichlwas5vcmc']),
  tokenRule('rubygems-token', 'RubyGems API key', 'rubygems_[a-f0-9]{48}', ['rubygems_']),
  tokenRule('nuget-api-key', 'NuGet API key', 'oy2[a-z0-9]{43}', ['oy2'], { minEntropy: 3.5 }),
  tokenRule('dockerhub-pat', 'Docker Hub personal access token', 'dckr_pat_[A-Za-z0-9_-]{27}', ['dckr_pat_']),
  tokenRule('crates-io-token', 'crates.io API token', 'cio[A-Za-z0-9]{32}', ['cio'], { minEntropy: 3.5 }),
  tokenRule('clojars-token', 'Clojars deploy token', 'CLOJARS_[a-z0-9]{60}', ['clojars_']),
  tokenRule('postman-api-key', 'Postman API key', 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}', ['pmak-']),
  tokenRule('linear-api-key', 'Linear API key', 'lin_api_[A-Za-z0-9]{40}', ['lin_api_']),
  tokenRule('figma-token', 'Figma personal access token', 'figd_[A-Za-z0-9_-]{40}', ['figd_']),
  tokenRule('airtable-pat', 'Airtable personal access token', 'pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}', ['pat']),
  tokenRule('notion-token', 'Notion integration token', 'ntn_[A-Za-z0-9]{46}|secret_[A-Za-z0-9]{43}', ['ntn_', 'secret_'], { minEntropy: 3.5 }),
  tokenRule('typeform-token', 'Typeform personal access token', 'tfp_[A-Za-z0-9_.=-]{59}', ['tfp_']),
];
