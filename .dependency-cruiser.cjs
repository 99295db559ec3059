/**
 * Import rules of the layout (docs/decisions/007-layout.md), checked by `npm test`
 * (`npm run lint:deps`). Type-only imports count: a cycle of types is still a cycle to read.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-names-no-vendor',
      severity: 'error',
      comment:
        'mock/core is the vendor-agnostic engine: it never imports a vendor or the registry.',
      from: { path: '^mock/core/' },
      to: { path: '^mock/(vendors/|registry\\.ts|index\\.ts|app\\.ts|admin/|cli/)' },
    },
    {
      name: 'engine-names-no-vendor',
      severity: 'error',
      comment: 'The app, the admin API and the CLI reach vendors only through a registry.',
      from: { path: '^mock/(admin/|app\\.ts|cli/(?!main\\.ts))' },
      to: { path: '^mock/(vendors/|registry\\.ts|index\\.ts)' },
    },
    {
      name: 'vendors-not-engine',
      severity: 'error',
      comment: 'A vendor uses mock/core (and vendors before it), never the app, admin API or CLI.',
      from: { path: '^mock/vendors/' },
      to: { path: '^mock/(app\\.ts|admin/|cli/|registry\\.ts|index\\.ts)' },
    },
    {
      name: 'generators-are-pure',
      severity: 'error',
      comment: 'generators/ is seeded data and the domain model: it never imports the mock.',
      from: { path: '^generators/' },
      to: { path: '^(mock|verify)/' },
    },
    {
      name: 'verify-never-imports-the-server',
      severity: 'error',
      comment: 'verify/ checks a real implementation: it never imports the app, server or CLI.',
      from: { path: '^verify/' },
      to: { path: '^mock/(app\\.ts|index\\.ts|cli/|admin/|core/http-server\\.ts)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
