/** Names are read in one place, shared with the documents processor: see `../identifiers/names.ts`. */
export { compareNames, nameParts } from '../identifiers/names.js';
export type { Comparison, NameParts } from '../identifiers/names.js';
