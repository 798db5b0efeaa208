import pino, { type Logger } from 'pino';
import type { Config } from './config';

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'mentor-api' },
    redact: { paths: ['password', '*.password', 'headers.authorization', 'variables.password'], censor: '[redacted]' },
  });
}
