/**
 * @module core/whatif/parse
 * The what-if options as written on the command line:
 *
 * - `--set node/NAME:sysctl.net.ipv4.conf.all.rp_filter=2` (a namespace's sysctl),
 * - `--set svc/NS/NAME:spec.externalTrafficPolicy=Local` (an object's field; the value is read
 *   as YAML, so `3` is a number, `true` a boolean and `{app: web}` a map),
 * - `--add-route node/NAME:"10.96.0.0/12 dev eth0"` (`ip route add`'s arguments),
 * - `--add-rule node/NAME:"-t nat -A POSTROUTING …"` (`iptables`' arguments).
 *
 * Only the syntax is checked here; whether the target exists is checked when the edit is
 * applied (apply.ts), against the cluster.
 */
import { parse as parseYaml } from 'yaml'
import { editError } from './errors.js'
import { parseFieldPath } from './field-path.js'
import { parseNetnsTarget, parseObjectTarget } from './targets.js'
import type { EditSource, NetnsTarget, WhatIfEdit } from './types.js'

const NETNS_FORMS = 'node/NAME, pod/NS/NAME, pod/NAME, router/NAME or external/NAME'
const OBJECT_FORMS = 'KIND/NS/NAME, KIND/NAME or KIND (svc/default/web, kube-proxy)'

/** A leading and trailing `"` or `'` kept by a shell that did not strip them. */
function unquote(s: string): { text: string; offset: number } {
  const m = /^(["'])(.*)\1$/s.exec(s)
  return m === null ? { text: s, offset: 0 } : { text: m[2] ?? '', offset: 1 }
}

function splitTarget(source: EditSource, form: string): { ref: string; rest: string; at: number } {
  const colon = source.text.indexOf(':')
  if (colon <= 0)
    throw editError(source, 1, `expected TARGET:${form}`, `start with ${NETNS_FORMS}, then ':'`)
  return { ref: source.text.slice(0, colon), rest: source.text.slice(colon + 1), at: colon + 2 }
}

function netnsTarget(source: EditSource, ref: string): NetnsTarget {
  const t = parseNetnsTarget(ref)
  if (t === undefined)
    throw editError(source, 1, `cannot read the target ${ref}`, `use ${NETNS_FORMS}`)
  return t
}

function readValue(source: EditSource, raw: string, column: number): unknown {
  if (raw.trim() === '') throw editError(source, column, 'no value after =', 'write PATH=VALUE')
  try {
    return parseYaml(raw) as unknown
  } catch {
    return raw
  }
}

/**
 * @example
 * parseSetEdit('svc/default/web:spec.externalTrafficPolicy=Local')
 * // → { kind: 'field', target: { kind: 'service', namespace: 'default', name: 'web' }, path: ['spec', 'externalTrafficPolicy'], value: 'Local' }
 * @throws KpathError KPATH_INVALID_ARGUMENT, located in the option's text
 */
export function parseSetEdit(text: string, option = '--set'): WhatIfEdit {
  const source: EditSource = { option, text }
  const { ref, rest, at } = splitTarget(source, 'PATH=VALUE')
  const eq = rest.indexOf('=')
  if (eq < 0) throw editError(source, at + rest.length, 'expected PATH=VALUE after the target')
  const field = rest.slice(0, eq)
  const valueAt = at + eq + 1
  if (field.startsWith('sysctl.')) {
    const name = field.slice('sysctl.'.length)
    if (!/^net\.[A-Za-z0-9_.-]+$/.test(name))
      throw editError(
        source,
        at + 7,
        `${name} is not a net.* sysctl`,
        'e.g. sysctl.net.ipv4.ip_forward',
      )
    const value = rest.slice(eq + 1).trim()
    if (!/^-?[0-9]+$/.test(value))
      throw editError(source, valueAt, `sysctl value ${JSON.stringify(value)} is not a number`)
    return { kind: 'sysctl', target: netnsTarget(source, ref), name, value, source }
  }
  const target = parseObjectTarget(ref)
  if (target === undefined)
    throw editError(source, 1, `cannot read the object ${ref}`, `use ${OBJECT_FORMS}`)
  const path = parseFieldPath(field)
  if (!path.ok) throw editError(source, at + path.column - 1, path.message)
  const value = readValue(source, rest.slice(eq + 1), valueAt)
  return { kind: 'field', target, path: path.path, value, source }
}

/** `TARGET:"PAYLOAD"` of --add-route and --add-rule: the target and the unquoted payload. */
function payloadEdit(text: string, option: string, what: string, example: string) {
  const source: EditSource = { option, text }
  const { ref, rest, at } = splitTarget(source, `"${what.toUpperCase()}"`)
  const u = unquote(rest)
  if (u.text.trim() === '')
    throw editError(source, at, `no ${what} after the target`, `e.g. ${example}`)
  return { target: netnsTarget(source, ref), payload: u.text, source }
}

/**
 * @example
 * parseRouteEdit('node/alpha:10.96.0.0/12 dev eth0') // → { kind: 'route', target, route: '10.96.0.0/12 dev eth0' }
 */
export function parseRouteEdit(text: string, option = '--add-route'): WhatIfEdit {
  const e = payloadEdit(text, option, 'route', 'node/a:"10.96.0.0/12 dev eth0"')
  return { kind: 'route', target: e.target, route: e.payload, source: e.source }
}

/**
 * @example
 * parseRuleEdit('node/alpha:-t nat -A POSTROUTING -j MASQUERADE') // → { kind: 'rule', target, rule: '-t nat -A …' }
 */
export function parseRuleEdit(text: string, option = '--add-rule'): WhatIfEdit {
  const e = payloadEdit(text, option, 'rule', 'node/a:"-t nat -A POSTROUTING …"')
  return { kind: 'rule', target: e.target, rule: e.payload, source: e.source }
}
