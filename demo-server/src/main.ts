import { configFromEnv, ConfigError } from './config.js';
import { createLogger, startServer } from './server.js';

// The runnable entry: configuration from the environment, clean shutdown on signals.
// Until the configuration is read (LOG_LEVEL among it), a start that fails says why at `info`.
let logger = createLogger('info');
let config: ReturnType<typeof configFromEnv> | null = null;
try {
  config = configFromEnv();
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
  const listening = config && listenFailure(error, config);
  if (error instanceof ConfigError) {
    logger.fatal(error.message);
  } else if (listening) {
    logger.fatal(listening);
  } else {
    logger.fatal({ err_name: error instanceof Error ? error.name : typeof error }, 'the server could not start');
    console.error(error);
  }
  process.exit(1);
}

/** Why the server could not listen, naming the variable to change; null for another failure. */
function listenFailure(error: unknown, { host, port }: { host: string; port: number }): string | null {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST "${host}" is not a name this machine can resolve: set HOST to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0.`;
    case 'EADDRNOTAVAIL':
      return `HOST "${host}" is not an address of this machine: set HOST to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0.`;
    case 'EADDRINUSE':
      return `PORT ${port} is in use by another program on ${host}: stop it, or set PORT to a free port (0 picks one).`;
    case 'EACCES':
      return `PORT ${port} needs privileges this process does not have: set PORT to 1024 or above.`;
    default:
      return null;
  }
}
