import type * as MongoDriver from 'mongodb';
import { requirePeer } from '../../shared/peer-dependency.js';

/** What needs the `mongodb` package, as its missing-package error names it. */
export const MONGODB_FEATURE = 'The MongoDB store (@batch-uploader/server/mongodb)';

/** The official driver, an optional peer: loaded when this subpath is imported, never by the package root. */
export const mongoDriver: typeof MongoDriver = requirePeer<typeof MongoDriver>('mongodb', MONGODB_FEATURE);
