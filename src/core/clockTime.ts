// Times in messages to the user: local wall-clock time, as the user's own clock shows it.

/** "14:03:07" for a time in ms since the epoch. */
export function clockTime(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}
