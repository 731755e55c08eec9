import { randomUUID } from 'node:crypto';
import type { ServerConfig } from './config.ts';
import { RequestLog } from './request-log.ts';

/** Fastify's server options: logging (never cookies), proxies, body size, timeouts, request ids. */
export function fastifyOptions(config: ServerConfig, logStream: { write(line: string): void } | undefined) {
  return {
    logger: {
      level: config.logLevel,
      ...(logStream ? { stream: logStream } : {}),
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    },
    logController: new RequestLog(),
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    bodyLimit: config.maxBodyBytes,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    genReqId: () => randomUUID().slice(0, 8),
    // A batch names its procedures in one path segment: `worklets.create,worklets.create,...`.
    routerOptions: { maxParamLength: 2_000 },
  };
}
