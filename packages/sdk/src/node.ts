/**
 * @batch-uploader/sdk/node — helpers that need Node's file system: upload files from
 * disk without reading them into memory, and expand folders. Use with the main entry.
 */
export { fileFromPath } from './node/file-from-path.js';
export { expandPaths } from './node/expand-paths.js';
export type { ExpandedPaths, PathProblem } from './node/expand-paths.js';
