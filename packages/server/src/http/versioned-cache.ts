/** Limits of a {@link VersionedCache}. */
export interface VersionedCacheLimits {
  /** Most keys kept. */
  maxEntries: number;
  /** Most bytes of values kept in all; a value larger than a quarter of it is not kept. */
  maxBytes: number;
}

interface Entry<T> {
  version: number;
  value: T;
  bytes: number;
}

/**
 * One value per key, with the version it was built at; the least recently used keys go
 * first when a limit is reached. A key holds one version at a time: a newer one replaces
 * it, so a value that changes often takes one place, not one per version.
 */
export class VersionedCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #limits: VersionedCacheLimits;
  #bytes = 0;

  constructor(limits: VersionedCacheLimits) {
    this.#limits = limits;
  }

  /** The value of `key` when it was built at `version` or later; undefined otherwise. */
  get(key: string, version: number): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry || entry.version < version) return undefined;
    // Map order is the use order: moving the entry to the end marks it most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` as `key` at `version`, unless a newer version is kept already. */
  set(key: string, version: number, value: T, bytes: number): void {
    const kept = this.#entries.get(key);
    if (kept && kept.version > version) return;
    if (kept) this.#remove(key, kept);
    if (bytes > this.#limits.maxBytes / 4) return;
    this.#entries.set(key, { version, value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#limits.maxEntries && this.#bytes <= this.#limits.maxBytes) break;
      this.#remove(oldest, entry);
    }
  }

  /** How many keys are kept. */
  get size(): number {
    return this.#entries.size;
  }

  #remove(key: string, entry: Entry<T>): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
