/**
 * The layers, as a rule `npm run lint` enforces (picture and reasons: docs/architecture.md).
 *
 *   domain     pure rules; imports no other layer
 *   contracts  view shapes shared by server code and screens; imports domain only
 *   utils      plumbing (auth, db, env, queues, forms); no models, jobs, routes, components
 *   models     data access; no jobs, routes, workers, components
 *   jobs       job handlers; no routes, workers, components
 *   components React; no server modules, no models or jobs
 *   routes     thin: loader/action + screen; no jobs, no workers
 *   workers    processes that run jobs; no routes, no components
 * and nowhere a circle. Type-only imports count: a component that imports a type from a .server module
 * still couples the screen to server code.
 */
const layer = (name) => `^app/${name}/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-is-pure",
      comment: "app/domain holds plain rules: it may import libraries and the database's enum types, nothing else of the app.",
      severity: "error",
      // Its tests may drive a rule through the app's plumbing (a form schema through the form parser).
      from: { path: layer("domain"), pathNot: "\\.test\\.tsx?$" },
      to: { path: "^(app|workers|scripts|bench|prisma|test)/", pathNot: ["^app/domain/", "^app/generated/prisma/enums"] },
    },
    {
      name: "contracts-import-domain-only",
      comment: "app/contracts are shapes shared by the server and the screens; they hold no server code.",
      severity: "error",
      from: { path: layer("contracts") },
      to: { path: "^(app|workers|scripts|bench|prisma|test)/", pathNot: ["^app/(domain|contracts)/", "^app/generated/prisma/enums"] },
    },
    {
      name: "utils-import-no-models",
      comment: "app/utils is plumbing under the models: it may not reach up into models, jobs, routes or components.",
      severity: "error",
      from: { path: layer("utils") },
      to: { path: "^app/(models|jobs|routes|components)/" },
    },
    {
      name: "models-import-no-jobs-routes-workers",
      comment: "Models are data access; jobs, routes and workers call them, never the other way round.",
      severity: "error",
      from: { path: layer("models") },
      to: { path: ["^app/(jobs|routes|components)/", "^workers/"] },
    },
    {
      name: "jobs-import-no-routes-workers",
      severity: "error",
      from: { path: layer("jobs") },
      to: { path: ["^app/(routes|components)/", "^workers/"] },
    },
    {
      name: "components-import-no-server-code",
      comment: "Screens run in the browser: no .server module, no model or job, not even for a type (move the type to app/contracts).",
      severity: "error",
      from: { path: layer("components") },
      to: { path: ["\\.server\\.tsx?$", "^app/(models|jobs|routes)/", "^workers/"] },
    },
    {
      name: "routes-import-no-jobs-workers",
      comment: "A route puts work in the outbox through a model; it never runs a job itself.",
      severity: "error",
      from: { path: layer("routes") },
      to: { path: ["^app/jobs/", "^workers/"] },
    },
    {
      name: "workers-import-no-routes-components",
      comment: "A worker process runs jobs; screens and routes are the web process's.",
      severity: "error",
      from: { path: "^workers/" },
      to: { path: "^app/(routes|components)/" },
    },
    {
      name: "app-imports-no-tools",
      comment: "The app does not import workers, scripts, benches, seeds or tests.",
      severity: "error",
      from: { path: "^app/", pathNot: "\\.test\\.tsx?$" },
      to: { path: "^(workers|scripts|bench|prisma|test|e2e)/" },
    },
    {
      name: "tools-import-no-seed",
      comment: "Scripts, benches and tests share fixtures from fixtures/, not from the seed's internals.",
      severity: "error",
      from: { path: "^(app|workers|scripts|bench|test|e2e)/" },
      to: { path: "^prisma/seed/" },
    },
    {
      name: "no-circular",
      comment: "No module reaches itself through its imports.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^app/generated/", "^test/fixtures/layer-violations/", "^build/", "^public/build/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
