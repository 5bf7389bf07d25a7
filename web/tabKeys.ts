/**
 * Keyboard of a tab list (WAI-ARIA tabs pattern): arrows move to the previous/next tab
 * (wrapping), Home and End to the first and last. Pure, browser-safe.
 */

/** Index of the tab a key moves to from `index` among `count` tabs; undefined for other keys. */
export function tabKeyTarget(key: string, index: number, count: number): number | undefined {
  if (count <= 0) return undefined;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return (index + 1) % count;
    case 'ArrowLeft':
    case 'ArrowUp':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

/** Widest viewport (CSS px) that gets the tabbed one-column layout (phones, small tablets). */
export const TABS_MAX_WIDTH = 899;
