export { startMongoWireServer } from './mongo-wire-server.js';
export type { MongoWireServer } from './mongo-wire-server.js';
export { SUPPORTED_COMMANDS } from './commands.js';
