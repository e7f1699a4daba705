/**
 * The layer rule of src/ (docs/development.md): an import goes down a layer or sideways within one, never up, and
 * no module depends on itself through others. test/unit/layers.test.ts runs it in `npm test`; `npm run layers` prints it.
 */
const LAYERS = [
  ['entry', '^src/((main|cluster|server|app|stores|cli)\\.ts|start\\.cts|cli/)'],
  ['surfaces', '^src/(http|pages|interactions|admin|account)/'],
  ['engine', '^src/provider/'],
  ['domain', '^src/(accounts|clients|scopes|keys|audit|settings|ops|limits|backup|directories|idps|mfa|groups|logout)/'],
  ['storage', '^src/storage/'],
  ['ground', '^src/((config|oidc)/|(errors|logger|time|polled|printable|input-bounds)\\.ts$)'],
];

const upward = LAYERS.flatMap(([lower, lowerPath], i) =>
  LAYERS.slice(0, i).map(([higher, higherPath]) => ({
    name: `no-${lower}-to-${higher}`,
    comment: `${lower} sits below ${higher}: it may not import from it`,
    severity: 'error',
    from: { path: lowerPath },
    to: { path: higherPath },
  })),
);

module.exports = {
  forbidden: [
    ...upward,
    { name: 'no-circular', comment: 'no module depends on itself through others', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    {
      name: 'in-a-layer',
      comment: 'every module of src/ belongs to a layer',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.map(([, path]) => path) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
