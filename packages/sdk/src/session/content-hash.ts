/**
 * SHA-256 of a file's bytes as hex, with SubtleCrypto (browsers, and Node's
 * `globalThis.crypto`); null where it is missing (browsers outside a secure context,
 * i.e. plain http other than localhost) or the file cannot be read. SubtleCrypto digests
 * a whole buffer, so the file is read into memory once, briefly, and never kept.
 */
export async function contentHash(file: Blob): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (!subtle) return null;
  try {
    const digest = new Uint8Array(await subtle.digest('SHA-256', await file.arrayBuffer()));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

/**
 * Hashes of the files that could be content duplicates: only files whose size another
 * file shares (two copies always have the same size), so most files are never read.
 * One file at a time, so memory holds one file's bytes at most. `cache` keeps hashes
 * across calls, by Blob. Files over `maxSize` are refused anyway and never read.
 */
export async function hashSameSized(files: readonly Blob[], others: readonly Blob[], maxSize: number, cache: WeakMap<Blob, string | null>): Promise<void> {
  const sizes = new Map<number, number>();
  for (const file of [...files, ...others]) sizes.set(file.size, (sizes.get(file.size) ?? 0) + 1);
  for (const file of [...others, ...files]) {
    if (file.size > 0 && file.size <= maxSize && (sizes.get(file.size) ?? 0) > 1 && !cache.has(file)) cache.set(file, await contentHash(file));
  }
}
