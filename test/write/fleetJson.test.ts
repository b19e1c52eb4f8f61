import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Fleet } from '../../src/model/Fleet.js';
import { fleetJson } from '../../src/write/fleetJson.js';
import { SAMPLE_DEPLOY } from '../support/sampleFleet.js';
import { conf, instance, script, server, tinyArtifacts, tinyFleet, vhostLink } from './tinyFleet.js';

const s = suite('fleetJson');

s('golden: one server, one instance', () => {
  const acme = instance('acme', 'prod', 'acme.example.com', 'aws-1', 8069);
  const fleet: Fleet = { configLabel: 'config', servers: [server('aws-1', 'ubuntu@198.51.100.7')], instances: [acme], deploy: SAMPLE_DEPLOY };
  const actual = fleetJson(fleet, [vhostLink(acme), script('aws-1', 'blink-backup'), conf(acme)]);
  const expected = `{
  "version": 1,
  "servers": {
    "aws-1": {
      "transport": "ssh",
      "ssh": "ubuntu@198.51.100.7",
      "files": [
        {
          "path": "/usr/local/sbin/blink-backup",
          "kind": "script",
          "role": "managed",
          "mode": "0750",
          "owner": "root:odoo",
          "sha256": "f09ae84459b932e367991406315ffac5cc42a8ee0738c6ee4f5995e40709457e",
          "secrets": []
        }
      ],
      "instances": {
        "acme-prod": {
          "host": "acme.example.com",
          "client": "acme",
          "environment": "prod",
          "kind": "production",
          "branch": "main",
          "database": "acme-prod",
          "port": 8069,
          "gevent_port": 8072,
          "service": "odoo-acme-prod",
          "data_dir": "/opt/odoo/.local/share/Odoo-acme-prod",
          "release_dir": "/opt/odoo/releases/acme-prod",
          "files": [
            {
              "path": "/etc/nginx/sites-enabled/acme.example.com",
              "kind": "vhost-link",
              "role": "managed",
              "mode": "0777",
              "owner": "root:root",
              "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
              "secrets": [],
              "link": "/etc/nginx/sites-available/acme.example.com"
            },
            {
              "path": "/etc/odoo/acme.example.com.conf",
              "kind": "odoo-conf",
              "role": "managed",
              "mode": "0640",
              "owner": "root:odoo",
              "sha256": "af9831179560dc96fd665ef228b4cdad90cb241421eeb1949e7b0f5ddd948af6",
              "secrets": [
                "\${secret:admin_passwd}"
              ]
            }
          ]
        }
      }
    }
  }
}
`;
  assert.fixture(actual, expected);
});

s('matches JSON.stringify layout and parses back', () => {
  const text = fleetJson(tinyFleet(), tinyArtifacts());
  assert.is(text, JSON.stringify(JSON.parse(text), null, 2) + '\n');
});

s('omits ssh for the local transport and names the managed file a bootstrap one stands in for', () => {
  const doc = JSON.parse(fleetJson(tinyFleet(), tinyArtifacts()));
  assert.equal(Object.keys(doc.servers.lab), ['transport', 'files', 'instances']);
  const files = doc.servers['aws-1'].instances['acme-prod'].files as { path: string; role: string; bootstrap_for?: string }[];
  const boot = files.find((f) => f.role === 'bootstrap')!;
  assert.is(boot.bootstrap_for, '/etc/nginx/sites-available/acme.example.com');
  assert.equal(Object.keys(boot), ['path', 'kind', 'role', 'bootstrap_for', 'mode', 'owner', 'sha256', 'secrets']);
});

s('keeps servers in code-unit order even when their names look like integers', () => {
  const fleet: Fleet = { configLabel: 'config', servers: [server('b'), server('9'), server('10')], instances: [], deploy: SAMPLE_DEPLOY };
  const text = fleetJson(fleet, []);
  const order = ['"10"', '"9"', '"b"'].map((k) => text.indexOf(k));
  assert.equal(order, [...order].sort((a, b) => a - b));
});

s('lays out the hand-ordered server level exactly like the native one', () => {
  const fleet: Fleet = { configLabel: 'config', servers: [server('b'), server('10', 'root@h')], instances: [], deploy: SAMPLE_DEPLOY };
  assert.fixture(
    fleetJson(fleet, []),
    `{
  "version": 1,
  "servers": {
    "10": {
      "transport": "ssh",
      "ssh": "root@h",
      "files": [],
      "instances": {}
    },
    "b": {
      "transport": "local",
      "files": [],
      "instances": {}
    }
  }
}
`,
  );
  assert.is(fleetJson({ ...fleet, servers: [] }, []), '{\n  "version": 1,\n  "servers": {}\n}\n');
});

s('is the same whatever the input order', () => {
  const fleet = tinyFleet();
  const artifacts = tinyArtifacts(fleet);
  const reversed = { ...fleet, servers: [...fleet.servers].reverse(), instances: [...fleet.instances].reverse() };
  assert.is(fleetJson(reversed, [...artifacts].reverse()), fleetJson(fleet, artifacts));
});

s('an artifact of an instance the fleet does not have is a bug, thrown', () => {
  const fleet = tinyFleet();
  const stray = conf(instance('ghost', 'prod', 'ghost.example.com', 'aws-1', 9000));
  assert.throws(() => fleetJson(fleet, [stray]), /unknown instance ghost-prod/);
});

s.run();
