import pino, { type Logger } from 'pino';
import type { Config } from './config';

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'mentor-api' },
    // Query parameters of a failed statement may hold password, secret or token hashes.
    serializers: {
      err: (error: Error) => {
        const serialized: Record<string, unknown> = pino.stdSerializers.err(error);
        delete serialized.parameters;
        if (serialized.driverError && typeof serialized.driverError === 'object') delete (serialized.driverError as Record<string, unknown>).parameters;
        return serialized;
      },
    },
    redact: { paths: ['password', '*.password', 'headers.authorization', 'variables.password'], censor: '[redacted]' },
  });
}
