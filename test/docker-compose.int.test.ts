import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveVerifierOptions, type AuthSettings } from '@trialgraph/auth';
import { nodeOptionsOf, parseEnvironment } from '@trialgraph/config';
import { createTestDatabase, scrapeMetrics, startApp, type AppProcess, type TestDatabase } from '@trialgraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gatewayEnvironment } from '../apps/gateway/dist/config.js';
import { subjectsEnvironment } from '../apps/subjects/dist/config.js';
import { vitalsEnvironment } from '../apps/vitals/dist/config.js';
import { dependsOn, dockerfileStages, durationMs, interpolate, loadCompose, mountedAt, type ComposeService } from './support/compose-file.js';

const root = new URL('../', import.meta.url);
/** What an operator must export before `docker compose up`; everything else has a default. */
const OPERATOR_ENV = { JWT_SECRET: 'a-compose-test-secret-of-more-than-32-characters', JWT_ISSUER: 'trialgraph-test-issuer', JWT_AUDIENCE: 'trialgraph' };
const compose = loadCompose(new URL('docker-compose.yml', root), OPERATOR_ENV);
const services = compose.services;

const ENVIRONMENTS = { gateway: gatewayEnvironment, subjects: subjectsEnvironment, vitals: vitalsEnvironment } as const;
type AppName = keyof typeof ENVIRONMENTS;

/** Services built from the one Dockerfile, with the app each runs (its APP build argument). */
const appServices = Object.entries(services).flatMap(([name, service]) => {
  const app = service.build?.args?.APP;
  return app ? [{ name, service, app: app as AppName }] : [];
});
const environmentOf = (service: ComposeService) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value ?? '')]));

function nginxConfigOf(service: ComposeService): string | undefined {
  const file = mountedAt(service, '/etc/nginx/conf.d/default.conf', root);
  return file ? readFileSync(file, 'utf8') : undefined;
}

/** The port a service listens on inside the network, from its own configuration. */
function portOf(serviceName: string): number | undefined {
  const service = services[serviceName];
  if (!service) return undefined;
  const app = appServices.find((entry) => entry.name === serviceName);
  if (app) return Number(environmentOf(service).PORT);
  if (service.image?.startsWith('postgres:')) return 5432;
  if (service.image?.startsWith('redis:')) return 6379;
  if (service.image?.startsWith('prom/prometheus:')) return 9090;
  const nginx = nginxConfigOf(service);
  return nginx ? Number(/listen\s+(\d+)/.exec(nginx)?.[1]) : undefined;
}

describe('docker-compose.yml', () => {
  it('refuses to start without a JWT key, and names the variable', () => {
    expect(() => loadCompose(new URL('docker-compose.yml', root), {})).toThrow(/^JWT_SECRET: set JWT_SECRET/);
    expect(() => loadCompose(new URL('docker-compose.yml', root), { JWT_SECRET: OPERATOR_ENV.JWT_SECRET })).toThrow(/^JWT_ISSUER: set JWT_ISSUER/);
    expect(interpolate('${A:-x} ${B-y} $${C} ${D}', { A: '', B: '' })).toBe('x  ${C} ');
  });

  it('runs PostgreSQL, Redis, two subjects instances behind a balancer, vitals, the gateway, Prometheus and Grafana', () => {
    expect(appServices.map(({ name, app }) => `${name}:${app}`).sort()).toEqual([
      'gateway:gateway',
      'subjects-1:subjects',
      'subjects-2:subjects',
      'vitals:vitals',
    ]);
    for (const name of ['postgres', 'redis', 'subjects', 'prometheus', 'grafana']) expect(services[name], name).toBeDefined();
    const published = Object.values(services).flatMap((service) => (service.ports ?? []).map((port) => port.split(':')[0]));
    expect(new Set(published).size).toBe(published.length);
  });

  it('builds every app from the repository root with the one Dockerfile, naming the app and its port', () => {
    expect(existsSync(new URL('.dockerignore', root))).toBe(true);
    expect(readFileSync(new URL('.dockerignore', root), 'utf8')).toMatch(/node_modules[\s\S]*dist/);
    for (const [name, service] of Object.entries(services)) {
      if (!service.build) continue;
      const context = new URL(service.build.context.replace(/\/?$/, '/'), root);
      expect(statSync(context).isDirectory(), `${name}: build context`).toBe(true);
      expect(existsSync(new URL(service.build.context === '.' ? 'package-lock.json' : 'package.json', context)), `${name}: context holds the workspace`).toBe(
        true,
      );
      expect(existsSync(new URL(service.build.dockerfile ?? 'Dockerfile', context)), `${name}: Dockerfile`).toBe(true);
    }
    for (const { name, service, app } of appServices) {
      expect(service.build?.dockerfile ?? 'Dockerfile', name).toBe('Dockerfile');
      expect(Object.keys(ENVIRONMENTS), name).toContain(app);
      // The image's PORT (its healthcheck's too) is the one the service is told to listen on.
      expect(String(service.build?.args?.PORT), name).toBe(environmentOf(service).PORT);
    }
    // One Dockerfile for every app, none beside an app.
    for (const app of Object.keys(ENVIRONMENTS)) expect(existsSync(new URL(`apps/${app}/Dockerfile`, root)), app).toBe(false);
  });

  it.each(Object.keys(ENVIRONMENTS))('builds a %s image whose final stage runs as non-root with production dependencies only', (app) => {
    const stages = dockerfileStages(readFileSync(new URL('Dockerfile', root), 'utf8'));
    expect(stages.length).toBeGreaterThan(1);
    const build = stages.slice(0, -1).flatMap((stage) => stage.instructions);
    const final = stages.at(-1)!;
    const runs = (instructions: Array<[string, string]>) => instructions.filter(([keyword]) => keyword === 'RUN').map(([, command]) => command);
    expect(runs(build).some((command) => /\bnpm ci\b/.test(command))).toBe(true);
    // Run as the shell runs it, with the build argument APP in the environment.
    const forApp = (command: string) => command.replaceAll('${APP}', app).replaceAll('$APP', app);
    expect(runs(build).some((command) => forApp(command).includes(`turbo run build --filter=@trialgraph/${app}...`))).toBe(true);

    expect(final.base).toMatch(/^node:20(\.\d+)*-(slim|alpine)/);
    expect(runs(final.instructions).some((command) => /\bnpm ci\b.*--omit=dev/.test(command))).toBe(true);
    const users = final.instructions.filter(([keyword]) => keyword === 'USER').map(([, user]) => user);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const nodeOptions = nodeOptionsOf(fileURLToPath(new URL(`apps/${app}/dist/main.js`, root)));
    // node, as PID 1 (exec), with the arguments the build wrote from the app's package.json:
    // running that build step here gives the flags every other launcher uses, then the entry point.
    expect(final.instructions.find(([keyword]) => keyword === 'CMD')?.[1]).toBe('exec node $(cat node-arguments)');
    const writeArguments = runs(build).find((command) => command.endsWith('> /release/node-arguments'));
    expect(writeArguments).toBeDefined();
    const nodeArguments = execFileSync('sh', ['-c', writeArguments!.replace(/\s*> \/release\/node-arguments$/, '')], {
      cwd: fileURLToPath(root),
      env: { PATH: process.env.PATH, APP: app },
      encoding: 'utf8',
    });
    expect(nodeArguments.trim().split(' ')).toEqual([...nodeOptions, `apps/${app}/dist/main.js`]);
    expect(JSON.parse(readFileSync(new URL(`apps/${app}/package.json`, root), 'utf8')).scripts.start).toBe(['node', ...nodeOptions, 'dist/main.js'].join(' '));
    expect(final.instructions.find(([keyword]) => keyword === 'HEALTHCHECK')?.[1]).toContain('/healthz');
    expect(existsSync(new URL(`apps/${app}/src/main.ts`, root))).toBe(true);

    // The image carries what the process reads from disk beside its code: the SDL and its migrations.
    const release = forApp(runs(build).find((command) => command.includes('/release/') && command.includes('cp ')) ?? '');
    expect(release).toMatch(/\bschema\b/);
    expect(release).toContain(`apps/${app}/dist`);
    if (existsSync(new URL(`apps/${app}/drizzle`, root))) expect(release).toMatch(new RegExp(`apps/${app}\\b.*\\bdrizzle\\b`));
    // Variables the image itself sets must be ones the app reads.
    const imageEnv = final.instructions.filter(([keyword]) => keyword === 'ENV').flatMap(([, text]) => [...text.matchAll(/(\w+)=/g)].map((match) => match[1]));
    for (const name of imageEnv) expect(Object.keys(ENVIRONMENTS[app as AppName]), `ENV ${name}`).toContain(name);
  });

  it.each(appServices.map((entry) => [entry.name, entry] as const))(
    'sets only variables %s knows, with values its configuration accepts',
    (_name, { service, app }) => {
      const schema = ENVIRONMENTS[app];
      const env = environmentOf(service);
      for (const key of Object.keys(env)) expect(Object.keys(schema), `${app} does not read ${key}`).toContain(key);
      for (const [key, validator] of Object.entries(schema)) {
        if (!validator.safeParse(undefined).success) expect(env[key], `${key} is required`).toBeTruthy();
      }
      const config = parseEnvironment(schema, env) as Record<string, unknown> & AuthSettings & { SHUTDOWN_TIMEOUT_MS: number };
      expect(config.NODE_ENV).toBe('production');
      // Production refuses to start without a key to verify tokens with.
      expect(() => resolveVerifierOptions(config)).not.toThrow();
      expect(durationMs(service.stop_grace_period ?? '10s')).toBeGreaterThan(config.SHUTDOWN_TIMEOUT_MS);
    },
  );

  it('points every URL at a service that exists, on the port it listens on, and waits for it', () => {
    for (const { name, service } of appServices) {
      for (const [key, value] of Object.entries(environmentOf(service))) {
        if (!/^(https?|postgres(ql)?|rediss?):\/\//.test(value)) continue;
        for (const part of value.split(',')) {
          const url = new URL(part.trim());
          const port = Number(
            url.port || { 'http:': 80, 'https:': 443, 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379, 'rediss:': 6379 }[url.protocol],
          );
          expect(services[url.hostname], `${name} ${key}: no service ${url.hostname}`).toBeDefined();
          expect(portOf(url.hostname), `${name} ${key}: ${url.hostname} does not listen on ${port}`).toBe(port);
          expect(dependsOn(service), `${name} must depend on ${url.hostname}`).toContain(url.hostname);
          if (url.protocol.startsWith('http')) expect(url.pathname).toBe('/graphql');
        }
      }
    }
  });

  it('balances the subjects address over both instances, on the port they listen on', () => {
    const nginx = nginxConfigOf(services.subjects!)!;
    const upstreams = [...nginx.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((match) => [match[1], Number(match[2])]);
    expect(upstreams).toEqual([
      ['subjects-1', portOf('subjects-1')],
      ['subjects-2', portOf('subjects-2')],
    ]);
    expect(dependsOn(services.subjects!).sort()).toEqual(['subjects-1', 'subjects-2']);
    // createSubject must never be sent to a second instance after reaching the first.
    expect(nginx).toMatch(/^\s*proxy_next_upstream\s[^;#]*;/m);
    expect(nginx).not.toMatch(/^\s*proxy_next_upstream\s[^;#]*non_idempotent/m);
  });

  it('creates the database and the role each subgraph connects with', () => {
    const postgres = services.postgres!;
    const init = mountedAt(postgres, '/docker-entrypoint-initdb.d', root)!;
    const script = readFileSync(new URL('10-create-databases.sh', `${init.href}/`), 'utf8');
    const databases = [...script.matchAll(/CREATE DATABASE (\w+) OWNER (\w+)/g)].map((match) => ({ database: match[1], owner: match[2] }));
    const postgresEnv = environmentOf(postgres);
    for (const { name, service } of appServices) {
      for (const value of Object.values(environmentOf(service)).filter((text) => text.startsWith('postgres://'))) {
        const url = new URL(value);
        const database = url.pathname.slice(1);
        expect(databases, `${name}: database ${database}`).toContainEqual({ database, owner: url.username });
        expect(script).toContain(`CREATE ROLE ${url.username} LOGIN PASSWORD :'${url.username}_password'`);
        expect(script).toContain(`-v ${url.username}_password="$${url.username.toUpperCase()}_DB_PASSWORD"`);
        expect(decodeURIComponent(url.password)).toBe(postgresEnv[`${url.username.toUpperCase()}_DB_PASSWORD`]);
      }
    }
    expect(databases.map((entry) => entry.database).sort()).toEqual(['subjects', 'vitals']);
  });

  it('has Prometheus scrape every app process, and nothing that is not one', () => {
    const config = parse(readFileSync(mountedAt(services.prometheus!, '/etc/prometheus/prometheus.yml', root)!, 'utf8')) as {
      scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = config.scrape_configs.flatMap((job) => {
      expect(job.metrics_path ?? '/metrics').toBe('/metrics');
      return job.static_configs.flatMap((group) => group.targets);
    });
    expect(targets.sort()).toEqual(appServices.map(({ name }) => `${name}:${portOf(name)}`).sort());
  });

  it('provisions Grafana with the Prometheus datasource and the dashboard folder it mounts', () => {
    const grafana = services.grafana!;
    const provisioning = mountedAt(grafana, '/etc/grafana/provisioning', root)!;
    const datasources = parse(readFileSync(new URL('provisioning/datasources/prometheus.yml', `${provisioning.href}/../`), 'utf8')) as {
      datasources: Array<{ uid: string; type: string; url: string }>;
    };
    expect(datasources.datasources).toContainEqual(
      expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: `http://prometheus:${portOf('prometheus')}` }),
    );
    const providers = parse(readFileSync(new URL('provisioning/dashboards/trialgraph.yml', `${provisioning.href}/../`), 'utf8')) as {
      providers: Array<{ options: { path: string } }>;
    };
    const dashboardsPath = providers.providers[0]?.options.path as string;
    expect(mountedAt(grafana, dashboardsPath, root)).toBeDefined();
    expect(existsSync(new URL(`${mountedAt(grafana, dashboardsPath, root)!.href}/trialgraph.json`))).toBe(true);
  });
});

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(new URL('deploy/grafana/dashboards/trialgraph.json', root), 'utf8')) as {
    panels: Array<{ type: string; title: string; datasource?: { uid: string }; targets?: Array<{ expr: string }> }>;
  };
  const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  let database: { subjects: TestDatabase; vitals: TestDatabase };
  let processes: AppProcess[] = [];
  /** Metric families the three processes declare (# TYPE), before any traffic. */
  const exposed = new Map<string, string>();

  beforeAll(async () => {
    const [subjects, vitals] = await Promise.all([createTestDatabase('tg_csubj'), createTestDatabase('tg_cvit')]);
    database = { subjects, vitals };
    const subjectsApp = await startApp('subjects', { SUBJECTS_DATABASE_URL: subjects.url });
    processes.push(subjectsApp);
    const vitalsApp = await startApp('vitals', { VITALS_DATABASE_URL: vitals.url, SUBJECTS_URL: `${subjectsApp.url}graphql` });
    processes.push(vitalsApp);
    processes.push(await startApp('gateway', { SUBJECTS_URL: `${subjectsApp.url}graphql`, VITALS_URL: `${vitalsApp.url}graphql` }));
    for (const app of processes) for (const [name, type] of (await scrapeMetrics(app.url)).types) exposed.set(name, type);
  });

  afterAll(async () => {
    await Promise.all(processes.map((app) => app.stop()));
    processes = [];
    await Promise.all([database?.subjects.drop(), database?.vitals.drop()]);
  });

  it('queries only metrics the processes really expose', () => {
    const used = new Set(expressions.flatMap((expr) => [...expr.matchAll(/\b(?:trialgraph|process|nodejs)_\w+/g)].map((match) => match[0])));
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) {
      const family = exposed.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
      expect(exposed.has(family), `${name} is not exposed by any process`).toBe(true);
      if (family !== name) expect(exposed.get(family), `${name} belongs to a histogram`).toBe('histogram');
    }
  });

  it('charts every trialgraph metric the processes expose, so a new metric cannot go unwatched', () => {
    const charted = new Set(
      expressions.flatMap((expr) => [...expr.matchAll(/\btrialgraph_\w+/g)].map((match) => match[0].replace(/_(bucket|sum|count)$/, ''))),
    );
    const unwatched = [...exposed.keys()].filter((name) => name.startsWith('trialgraph_') && !charted.has(name));
    expect(unwatched).toEqual([]);
  });

  it('shows request rate, p95 latency, errors by code, import rows/s and lock waits', () => {
    const uses = (pattern: RegExp) => expressions.some((expr) => pattern.test(expr));
    expect(uses(/rate\(trialgraph_graphql_requests_total\b/)).toBe(true);
    expect(uses(/histogram_quantile\(0\.95, .*trialgraph_graphql_request_duration_seconds_bucket/)).toBe(true);
    expect(uses(/by \([^)]*\bcode\b[^)]*\) \(rate\(trialgraph_graphql_errors_total/)).toBe(true);
    expect(uses(/rate\(trialgraph_import_rows_total\b/)).toBe(true);
    expect(uses(/trialgraph_lock_wait_seconds_bucket/)).toBe(true);
    expect(uses(/trialgraph_lock_failures_total/)).toBe(true);
    for (const panel of dashboard.panels.filter((entry) => entry.type !== 'row')) expect(panel.datasource?.uid, panel.title).toBe('prometheus');
  });
});
