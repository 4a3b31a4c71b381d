// src/scanner/rules — payment, commerce, messaging and e-mail services.
import type { Rule } from './rule.js';
import { tokenRule } from './rule-helpers.js';

export const commerceRules: readonly Rule[] = [
  tokenRule('stripe-secret-key', 'Stripe secret key', 'sk_(?:live|test)_[A-Za-z0-9]{24,99}', ['sk_live_', 'sk_test_'], { minEntropy: 3.5 }),
  tokenRule('stripe-restricted-key', 'Stripe restricted key', 'rk_(?:live|test)_[A-Za-z0-9]{24,99}', ['rk_live_', 'rk_test_'], { minEntropy: 3.5 }),
  tokenRule('stripe-webhook-secret', 'Stripe webhook signing secret', 'whsec_[A-Za-z0-9]{32,64}', ['whsec_'], { minEntropy: 3.5 }),
  tokenRule('square-access-token', 'Square access token', 'sq0atp-[0-9A-Za-z_-]{22}|EAAA[A-Za-z0-9_-]{60}', ['sq0atp-', 'eaaa'], { minEntropy: 3.5 }),
  tokenRule('square-oauth-secret', 'Square OAuth secret', 'sq0csp-[0-9A-Za-z_-]{43}', ['sq0csp-']),
  tokenRule('braintree-access-token', 'PayPal Braintree access token', 'access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}', ['access_token$production$']),
  tokenRule('shopify-access-token', 'Shopify access token', 'shp(?:at|ca|pa)_[a-fA-F0-9]{32}', ['shpat_', 'shpca_', 'shppa_']),
  tokenRule('shopify-shared-secret', 'Shopify app shared secret', 'shpss_[a-fA-F0-9]{32}', ['shpss_']),
  tokenRule('flutterwave-secret-key', 'Flutterwave secret key', 'FLWSECK(?:_TEST)?-[a-h0-9]{32}-X', ['flwseck']),
  tokenRule('easypost-api-key', 'EasyPost API key', 'EZ[AT]K[A-Za-z0-9]{54}', ['ezak', 'eztk']),
  tokenRule('shippo-token', 'Shippo API token', 'shippo_(?:live|test)_[a-f0-9]{40}', ['shippo_']),
  tokenRule('slack-bot-token', 'Slack bot token', 'xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}', ['xoxb-']),
  tokenRule('slack-user-token', 'Slack user token', 'xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}', ['xoxp-', 'xoxe-']),
  tokenRule('slack-app-token', 'Slack app-level token', 'xapp-\\d-[A-Z0-9]{9,12}-\\d{10,14}-[a-f0-9]{64}', ['xapp-']),
  tokenRule(
    'slack-webhook-url',
    'Slack incoming webhook URL',
    'https://hooks\\.slack\\.com/(?:services|workflows)/T[A-Z0-9]{8,12}/[AB][A-Z0-9]{8,12}/[A-Za-z0-9]{24}',
    ['hooks.slack.com'],
  ),
  tokenRule(
    'discord-webhook-url',
    'Discord webhook URL',
    'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d{17,20}/[A-Za-z0-9_-]{60,68}',
    ['/api/webhooks/'],
  ),
  tokenRule('discord-bot-token', 'Discord bot token', '[MN][A-Za-z0-9]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}', ['discord'], { minEntropy: 4 }),
  tokenRule('telegram-bot-token', 'Telegram bot token', '\\d{8,10}:AA[A-Za-z0-9_-]{33}', [':aa']),
  tokenRule('twilio-api-key', 'Twilio API key SID', 'SK[0-9a-f]{32}', ['sk']),
  tokenRule(
    'teams-webhook-url',
    'Microsoft Teams incoming webhook URL',
    'https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36}',
    ['webhook.office.com'],
  ),
  tokenRule('sendgrid-api-key', 'SendGrid API key', 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}', ['sg.']),
  tokenRule('mailgun-api-key', 'Mailgun private API key', 'key-[a-f0-9]{32}', ['key-'], { minEntropy: 3.2 }),
  tokenRule('mailchimp-api-key', 'Mailchimp API key', '[a-f0-9]{32}-us\\d{1,2}', ['-us'], { minEntropy: 3.2 }),
  tokenRule('brevo-api-key', 'Brevo (Sendinblue) API key', 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}', ['xkeysib-']),
  tokenRule('mapbox-secret-token', 'Mapbox secret access token', 'sk\\.eyJ[A-Za-z0-9_-]{50,}\\.[A-Za-z0-9_-]{20,}', ['sk.eyj']),
];
