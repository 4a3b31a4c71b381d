// src/scanner/rules — AI and machine-learning providers.
import type { Rule } from './rule.js';
import { tokenRule } from './rule-helpers.js';

export const aiRules: readonly Rule[] = [
  tokenRule(
    'openai-api-key',
    'OpenAI API key',
    'sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,80}T3BlbkFJ[A-Za-z0-9_-]{20,80}',
    ['t3blbkfj'],
  ),
  tokenRule('anthropic-api-key', 'Anthropic API key', 'sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA', ['sk-ant-']),
  tokenRule('huggingface-token', 'Hugging Face access token', 'hf_[A-Za-z]{34}', ['hf_'], { minEntropy: 3.5 }),
  tokenRule('groq-api-key', 'Groq API key', 'gsk_[A-Za-z0-9]{52}', ['gsk_']),
  tokenRule('replicate-token', 'Replicate API token', 'r8_[A-Za-z0-9]{37}', ['r8_']),
  tokenRule('perplexity-api-key', 'Perplexity API key', 'pplx-[A-Za-z0-9]{48}', ['pplx-']),
  tokenRule('xai-api-key', 'xAI API key', 'xai-[A-Za-z0-9]{80}', ['xai-']),
  tokenRule('langsmith-api-key', 'LangSmith API key', 'lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}', ['lsv2_']),
];
