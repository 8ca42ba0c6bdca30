import { defineConfig } from 'tsdown';

/** One build shape for every package: ESM, declarations, Node 22, dependencies left external. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node22',
  dts: true,
  clean: true,
  sourcemap: true,
  outDir: 'dist',
});
