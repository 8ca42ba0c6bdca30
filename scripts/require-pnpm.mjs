// The `prepack` guard of every package: packing or publishing runs only under pnpm. npm and yarn
// ignore `publishConfig`, so they would ship `exports` pointing at ./src/*.ts and dependencies
// on `workspace:^`, which no registry can serve: a package that installs and then cannot load.
// Plain JavaScript, so whichever Node the packer runs says so clearly.
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  const by = agent.split(' ')[0] || 'an unknown tool';
  console.error(
    [
      '',
      `  Refusing to pack ${process.env.npm_package_name ?? 'this package'} with ${by}.`,
      '  Only pnpm applies publishConfig (exports at ./dist) and turns workspace:^ into versions;',
      '  this tarball would point at ./src and depend on workspace:^.',
      '  Use: pnpm pack   or   pnpm publish   (the build runs first, so dist is fresh).',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
