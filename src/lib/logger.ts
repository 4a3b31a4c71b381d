// src/lib — the logging contract. Structured JSON via pino in production; tests pass
// `silentLogger`. Log objects must never carry a secret value, token or password.
import { pino } from 'pino';

export interface Logger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

export function createLogger(level: LogLevel = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'arca' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

export const silentLogger: Logger = createLogger('silent');
