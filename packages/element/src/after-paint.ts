/**
 * Resolves once the browser has painted the next frame, so work that follows cannot
 * delay what was just rendered. In a hidden tab, where frames do not come, after 100 ms.
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    // A frame's callbacks run before its paint; a task queued from them runs after it.
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}
