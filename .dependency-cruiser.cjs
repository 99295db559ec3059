/**
 * Import rules of the layout (docs/decisions/007-layout.md), checked by `npm test`
 * (`npm run lint:deps`). Type-only imports count: a cycle of types is still a cycle to read.
 */
const rule = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles anywhere.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    rule(
      'core-names-no-vendor',
      'mock/core is the vendor-agnostic engine: it never imports a vendor, the registry or the app.',
      '^mock/core/',
      '^mock/(vendors/|registry\\.ts|index\\.ts|app\\.ts|admin/|cli/)',
    ),
    rule(
      'engine-names-no-vendor',
      'The app, the admin API and the CLI reach vendors only through a registry.',
      '^mock/(admin/|app\\.ts|cli/(?!main\\.ts))',
      '^mock/(vendors/|registry\\.ts|index\\.ts)',
    ),
    rule(
      'vendors-not-engine',
      'A vendor uses mock/core (and vendors before it), never the app, admin API, CLI or registry.',
      '^mock/vendors/',
      '^mock/(app\\.ts|admin/|cli/|registry\\.ts|index\\.ts)',
    ),
    rule(
      'generators-are-pure',
      'generators/ is seeded data and the domain model: it never imports the mock.',
      '^generators/',
      '^(mock|verify)/',
    ),
    rule(
      'verify-never-imports-the-server',
      'verify/ checks a real implementation: it never imports the app, server or CLI.',
      '^verify/',
      '^mock/(app\\.ts|index\\.ts|cli/|admin/|core/http-server\\.ts)',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
