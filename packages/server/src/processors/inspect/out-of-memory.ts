// What parsers say when an allocation is refused: V8 ("Array buffer allocation failed",
// "Invalid typed array length"), libvips ("out of memory"), libtiff ("Out of memory",
// "Cumulated memory allocation"). Under the parser process's memory limit these mean the
// file needs more memory than it may have, not that it is damaged.
const OUT_OF_MEMORY = /allocation failed|out of memory|memory allocation|invalid typed array length|array buffer/i;

/** True when `error` (or its cause) says that memory could not be had. */
export function isOutOfMemory(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (OUT_OF_MEMORY.test(current.message)) return true;
  }
  return false;
}
