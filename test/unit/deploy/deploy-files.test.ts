/**
 * The deployment examples cannot be run here (no systemd units, no Docker daemon, no cluster), so
 * this keeps them from rotting: the systemd unit has its required keys and hardening, its command
 * lines parse with fandns's own parser, and systemd-analyze (when installed) has nothing to say
 * about it; the Dockerfile's config loads and its health check, ports and user fit; the
 * Kubernetes ConfigMap's embedded fandns.conf loads, and the DaemonSet's probes, arguments and
 * mount match it (checked structurally with PyYAML when the system python has it).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from '../../../src/config/cli-args.js';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { dockerInstructions, parseUnit, yamlBlock } from '../../helpers/deploy-files.js';
import { CLI_PATH } from '../../helpers/cli-process.js';
import { SYSTEM_PYTHON, which } from '../../helpers/tools.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The value at a path of keys and indexes in parsed YAML (undefined when missing). */
const at = (v: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string | number, unknown>)[k] : undefined), v);

/** Words of a command line (no quoting is used in these files). */
const words = (cmd: string) => cmd.trim().split(/\s+/);

describe('conf/fandns.service (systemd unit)', () => {
  const text = read('conf/fandns.service');
  const unit = parseUnit(text);
  const service = unit.get('Service')!;
  const one = (key: string) => {
    const v = service.get(key);
    assert.equal(v?.length, 1, `exactly one ${key}=`);
    return v[0]!;
  };

  it('has the sections and the service keys a DNS daemon needs', () => {
    assert.deepEqual([...unit.keys()], ['Unit', 'Service', 'Install']);
    assert.equal(one('Type'), 'simple');
    assert.equal(one('Restart'), 'on-failure');
    assert.equal(one('ExecReload'), '/bin/kill -HUP $MAINPID');
    assert.equal(one('KillMode'), 'mixed', 'SIGTERM to the primary, which stops its workers');
    assert.deepEqual(unit.get('Install')!.get('WantedBy'), ['multi-user.target']);
    assert.deepEqual(unit.get('Unit')!.get('Before'), ['nss-lookup.target']);
  });

  it('runs without root: its own user with CAP_NET_BIND_SERVICE only, and hardening', () => {
    assert.equal(one('User'), 'fandns');
    assert.equal(one('AmbientCapabilities'), 'CAP_NET_BIND_SERVICE');
    assert.equal(one('CapabilityBoundingSet'), 'CAP_NET_BIND_SERVICE');
    for (const [key, value] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['PrivateTmp', 'yes']]) {
      assert.equal(one(key!), value, key);
    }
    assert.ok(words(one('ReadWritePaths')).includes('/var/log/fandns'), 'the log directory stays writable');
    assert.equal(one('LogsDirectory'), 'fandns');
    assert.ok(!service.has('MemoryDenyWriteExecute'), "V8's JIT needs W+X memory");
    assert.ok(words(one('RestrictAddressFamilies')).includes('AF_NETLINK'));
  });

  it('starts fandns with arguments its own parser accepts', () => {
    const start = words(one('ExecStart'));
    assert.match(start[0]!, /\/fandns$/);
    assert.equal(parseCli(start.slice(1)).file, '/etc/fandns.conf');
    const pre = words(one('ExecStartPre'));
    assert.equal(pre[0], start[0]);
    assert.equal(parseCli(pre.slice(1)).test, true, 'ExecStartPre checks the configuration');
  });

  it('is accepted by systemd-analyze verify', { skip: which('systemd-analyze') ? false : 'systemd-analyze not installed' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-unit-'));
    try {
      // The fandns binary is not installed here: point the unit at the built CLI instead.
      const file = join(dir, 'fandns.service');
      writeFileSync(file, text.replaceAll('/usr/local/bin/fandns', `${process.execPath} ${CLI_PATH}`));
      let out: string;
      try {
        out = execFileSync(which('systemd-analyze')!, ['verify', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
      } catch (err) {
        out = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
      }
      const about = out.split('\n').filter((l) => l.includes('fandns.service'));
      assert.deepEqual(about, [], out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Dockerfile', () => {
  const steps = dockerInstructions(read('Dockerfile'));
  const all = (keyword: string) => steps.filter((s) => s.keyword === keyword).map((s) => s.args);
  const config = loadConfig({ file: join(ROOT, 'deploy/docker/fandns.conf') });

  it('loads its config without warnings: port 53 on every address, metrics on', () => {
    assert.deepEqual(config.warnings, []);
    assert.deepEqual([config.listen.port, config.listen.addresses], [53, ['0.0.0.0']]);
    assert.ok(config.metrics);
  });

  it('builds on node:20-slim, runs as a non-root user, exposes DNS and checks /health', () => {
    assert.deepEqual(all('FROM').map((a) => words(a)[0]), ['node:20-slim', 'node:20-slim']);
    assert.deepEqual(all('USER'), ['node']);
    assert.deepEqual(words(all('EXPOSE')[0]!).slice(0, 2), ['53/udp', '53/tcp']);
    assert.ok(all('COPY').includes('deploy/docker/fandns.conf /etc/fandns.conf'));
    const health = all('HEALTHCHECK')[0]!;
    assert.ok(health.includes(`http://127.0.0.1:${config.metrics!.port}/health`), health);
  });

  it('starts fandns with arguments its own parser accepts', () => {
    const entry = JSON.parse(all('ENTRYPOINT')[0]!) as string[];
    const cmd = JSON.parse(all('CMD')[0]!) as string[];
    assert.deepEqual(entry, ['node', '/opt/fandns/dist/src/cli.js']);
    assert.equal(parseCli(cmd).file, '/etc/fandns.conf');
  });
});

describe('deploy/kubernetes (node-local cache DaemonSet)', () => {
  const configMap = read('deploy/kubernetes/configmap.yaml');
  const daemonSet = read('deploy/kubernetes/daemonset.yaml');
  const conf = parseConfigText(yamlBlock(configMap, 'fandns.conf'), 'configmap:fandns.conf');

  it("loads the ConfigMap's fandns.conf with fandns's loader, without warnings", () => {
    assert.deepEqual(conf.warnings, []);
    assert.deepEqual(conf.listen.addresses, ['169.254.20.10']);
    assert.equal(conf.listen.port, 53);
    assert.deepEqual(conf.metrics, { host: '169.254.20.10', port: 9253 });
    assert.deepEqual(conf.process, { user: 'nobody', group: null, workers: 2, pidFile: null });
    assert.ok(conf.rules.some((r) => r.domain.name === 'cluster.local'));
  });

  it('has probes, arguments and the config mount that fit the ConfigMap', () => {
    const m = conf.metrics!;
    assert.match(daemonSet, /^\s+hostNetwork: true$/m);
    assert.match(daemonSet, /^\s+dnsPolicy: Default$/m);
    assert.match(daemonSet, new RegExp(`readinessProbe:\\n\\s+httpGet: \\{ host: ${m.host}, port: ${m.port}, path: /ready \\}`));
    assert.match(daemonSet, new RegExp(`livenessProbe:\\n\\s+httpGet: \\{ host: ${m.host}, port: ${m.port}, path: /health \\}`));
    assert.match(daemonSet, /args: \["-C", "\/etc\/fandns\/fandns\.conf"\]/);
    assert.match(daemonSet, /mountPath: \/etc\/fandns\n/);
    assert.match(daemonSet, /configMap:\n\s+name: fandns-nodelocal\n/);
    assert.match(configMap, /^ {2}name: fandns-nodelocal$/m);
    assert.match(daemonSet, new RegExp(`ip addr add ${conf.listen.addresses[0]!.replace(/\./g, '\\.')}/32`));
  });

  const pyYaml = (() => {
    try {
      execFileSync(SYSTEM_PYTHON, ['-c', 'import yaml'], { stdio: 'ignore', timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  })();

  it('parses as YAML with the same structure (PyYAML)', { skip: pyYaml ? false : 'python3 with PyYAML not installed' }, () => {
    const script = 'import json, sys, yaml; print(json.dumps([yaml.safe_load(open(f)) for f in sys.argv[1:]]))';
    const files = ['configmap.yaml', 'daemonset.yaml'].map((f) => join(ROOT, 'deploy/kubernetes', f));
    const [cm, ds] = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', script, ...files], { encoding: 'utf8', timeout: 10_000 })) as [unknown, unknown];
    const pod = at(ds, 'spec', 'template', 'spec');
    const c = at(pod, 'containers', 0);
    assert.equal(at(cm, 'kind'), 'ConfigMap');
    assert.equal(at(cm, 'data', 'fandns.conf'), yamlBlock(configMap, 'fandns.conf'));
    assert.equal(at(ds, 'kind'), 'DaemonSet');
    assert.deepEqual([at(pod, 'hostNetwork'), at(pod, 'dnsPolicy')], [true, 'Default']);
    assert.deepEqual(at(c, 'readinessProbe', 'httpGet'), { host: '169.254.20.10', port: 9253, path: '/ready' });
    assert.deepEqual(at(c, 'livenessProbe', 'httpGet'), { host: '169.254.20.10', port: 9253, path: '/health' });
    assert.deepEqual(at(pod, 'volumes', 0, 'configMap'), { name: at(cm, 'metadata', 'name'), items: [{ key: 'fandns.conf', path: 'fandns.conf' }] });
    assert.deepEqual(at(c, 'securityContext', 'capabilities', 'add'), ['NET_BIND_SERVICE', 'SETUID', 'SETGID']);
    assert.deepEqual(at(ds, 'spec', 'selector', 'matchLabels'), at(ds, 'spec', 'template', 'metadata', 'labels'));
  });
});
