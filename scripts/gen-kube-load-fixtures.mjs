#!/usr/bin/env node
// Regenerates src/core/kube/load/testdata/kubectl-app.yaml from the REAL kubectl.
//
// Each object is made by `kubectl create … --dry-run=client -o yaml`, which
// needs no cluster: it prints the manifest kubectl would send, exactly as users feed it to
// kpath (with `creationTimestamp: null`, `resources: {}`, `status: {}` and kubectl's port
// names). The documents are joined with `---`. No network namespace and no root needed.
//
// Usage: node scripts/gen-kube-load-fixtures.mjs
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const OUT = join(ROOT, 'src/core/kube/load/testdata/kubectl-app.yaml')

const OBJECTS = [
  ['create', 'namespace', 'shop'],
  ['create', 'deployment', 'web', '-n', 'shop', '--image=nginx', '--replicas=3', '--port=8080'],
  ['create', 'service', 'clusterip', 'web', '-n', 'shop', '--tcp=80:8080'],
  ['create', 'service', 'nodeport', 'web-np', '-n', 'shop', '--tcp=80:8080', '--node-port=30080'],
  ['create', 'service', 'loadbalancer', 'web-lb', '-n', 'shop', '--tcp=443:https'],
  ['create', 'service', 'externalname', 'ext', '-n', 'shop', '--external-name=example.com'],
  ['create', 'job', 'migrate', '-n', 'shop', '--image=busybox'],
  ['create', 'configmap', 'cfg', '-n', 'shop', '--from-literal=a=b'],
]

function kubectl(args) {
  const r = spawnSync('kubectl', [...args, '--dry-run=client', '-o', 'yaml'], { encoding: 'utf8' })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout
}

const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout
const header = `# Made by scripts/gen-kube-load-fixtures.mjs with ${version.split('\n')[0]}\n`
writeFileSync(OUT, header + OBJECTS.map(kubectl).join('---\n'))
console.log(`wrote ${OUT}`)
