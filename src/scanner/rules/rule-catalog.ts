// src/scanner/rules — the default rule set, in priority order (specific before generic).
import { aiRules } from './rules-ai.js';
import { cloudRules } from './rules-cloud.js';
import { commerceRules } from './rules-commerce.js';
import { devRules } from './rules-dev.js';
import type { Rule } from './rule.js';
import { structuralRules } from './rules-structural.js';

export const defaultRules: readonly Rule[] = [...cloudRules, ...devRules, ...commerceRules, ...aiRules, ...structuralRules];

/** The rules minus those the user disabled; unknown ids are reported by the config loader. */
export function selectRules(disabled: readonly string[] = []): readonly Rule[] {
  const off = new Set(disabled);
  return defaultRules.filter((r) => !off.has(r.id));
}
