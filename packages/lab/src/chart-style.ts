/** Sizes and the palette of the report's charts, one colour per meaning everywhere. */
export const W = 270;
export const H = 130;

export const COLORS = {
  ok: '#2e7d32',
  failed: '#c62828',
  s429: '#ef6c00',
  s5xx: '#6a1b9a',
  none: '#546e7a',
  server2xx: '#9e9e9e',
  closed: '#a5d6a7',
  open: '#ef9a9a',
  'half-open': '#ffe082',
  isolated: '#b0bec5',
  wait: '#1565c0',
} as const;
