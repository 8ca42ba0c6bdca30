// Loaded with --import before a documentation example that runs from a temporary file: the
// example's own bare imports (`@unfazed/core`, `openai`) resolve as if the file sat in the
// package whose docs hold it, so the example runs against that package's sources. Imports made
// by anything else resolve as usual.
import { registerHooks } from 'node:module';

const example = process.env.UNFAZED_EXAMPLE_URL;
const base = process.env.UNFAZED_EXAMPLE_BASE;
const bare = (specifier) => !/^(?:\.|\/|node:|file:|data:)/.test(specifier);

registerHooks({
  resolve(specifier, context, next) {
    if (context.parentURL === example && bare(specifier))
      return next(specifier, { ...context, parentURL: base });
    return next(specifier, context);
  },
});
