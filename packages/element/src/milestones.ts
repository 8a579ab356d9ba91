/** Percent steps worth announcing to screen readers: more would drown the user, fewer would leave them guessing. */
export const MILESTONES = [25, 50, 75] as const;

/**
 * True when progress passed a milestone between two updates. 100 is not one: the end
 * is announced by its own message (upload complete, batch finished).
 */
export function crossedMilestone(previous: number, next: number): boolean {
  return MILESTONES.some((step) => previous < step && next >= step);
}
