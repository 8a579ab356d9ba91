import { configFromEnv, ConfigError } from './config.js';
import { createLogger, startServer } from './server.js';

// The runnable entry: configuration from the environment, clean shutdown on signals.
let logger = createLogger(process.env.LOG_LEVEL?.trim() || 'info');
try {
  const config = configFromEnv();
  logger = createLogger(config.logLevel);
  // A worker serves no API, so it has no callers to let in.
  if (config.apiTokens === null && config.role !== 'worker') {
    logger.warn('DEV MODE: API_TOKENS is not set, so anyone who can reach this server shares one workspace. Set API_TOKENS="token:workspace" before real use.');
  }
  const server = await startServer(config, logger);
  logger.info(
    {
      role: config.role,
      url: server.url,
      port: server.port,
      // A worker serves only its health endpoint.
      ...(config.role === 'worker' ? { health: server.url + '/health' } : { api: server.url + config.basePath }),
      data_dir: config.dataDir,
      ...(config.corsOrigins.length > 0 ? { cors_origins: config.corsOrigins } : {}),
    },
    'listening',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    logger.fatal(error.message);
  } else {
    logger.fatal({ err_name: error instanceof Error ? error.name : typeof error }, 'the server could not start');
    console.error(error);
  }
  process.exit(1);
}
