// The npm registry reachable from kpath's machines lacks some of Biome's per-platform packages
// (e.g. @biomejs/cli-darwin-x64 answers 404), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. This adds lock entries for
// them with their os/cpu/libc, which npm ci skips on Linux without fetching anything.
// Run it after any `npm install` that rewrites the lock: node scripts/fix-lock-optional.mjs
import { readFileSync, writeFileSync } from 'node:fs'

const LOCK = new URL('../package-lock.json', import.meta.url)
const PLATFORMS = {
  'cli-android-arm64': ['android', 'arm64'],
  'cli-android-x64': ['android', 'x64'],
  'cli-darwin-arm64': ['darwin', 'arm64'],
  'cli-darwin-x64': ['darwin', 'x64'],
  'cli-linux-arm64': ['linux', 'arm64', 'glibc'],
  'cli-linux-arm64-musl': ['linux', 'arm64', 'musl'],
  'cli-linux-x64': ['linux', 'x64', 'glibc'],
  'cli-linux-x64-musl': ['linux', 'x64', 'musl'],
  'cli-win32-arm64': ['win32', 'arm64'],
  'cli-win32-x64': ['win32', 'x64'],
}

const lock = JSON.parse(readFileSync(LOCK, 'utf8'))
const biome = lock.packages['node_modules/@biomejs/biome']
let added = 0
for (const [name, version] of Object.entries(biome?.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`
  const short = name.replace('@biomejs/', '')
  const platform = PLATFORMS[short]
  if (lock.packages[key] || !platform) continue
  const [os, cpu, libc] = platform
  lock.packages[key] = {
    version,
    cpu: [cpu],
    dev: true,
    engines: { node: '>=14.21.3' },
    ...(libc ? { libc: [libc] } : {}),
    license: 'MIT OR Apache-2.0',
    optional: true,
    os: [os],
  }
  added++
}
const sorted = Object.keys(lock.packages).sort((a, b) =>
  a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1,
)
lock.packages = Object.fromEntries(sorted.map((k) => [k, lock.packages[k]]))
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`package-lock.json: added ${added} optional platform entries`)
