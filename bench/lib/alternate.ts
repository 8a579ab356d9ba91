/** One measurement of one variant; resolves with the measured number. */
export type Measure = () => Promise<number>;

/**
 * Runs every variant once per round, `rounds` times, rotating which goes first, so that a
 * slow phase of a noisy machine hits each variant alike and a ratio can be taken per
 * round. Returns each variant's samples in round order.
 */
export async function alternate<K extends string>(
  rounds: number,
  variants: Record<K, Measure>,
  onSample?: (variant: K, round: number, value: number) => void,
): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    for (const name of order) {
      const value = await variants[name]();
      samples[name].push(value);
      onSample?.(name, round, value);
    }
  }
  return samples;
}
