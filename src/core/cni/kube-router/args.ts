/**
 * @module core/cni/kube-router/args
 * kube-router's command line as spf13/pflag parses it: `--name=value`, `--name value`, a bare
 * `--name` for booleans, shorthands (`-v 2`, `-v=2`, `-v2`, `-h`), `--` ending the flags, and
 * anything else kept as a positional argument (kube-router ignores those). A later scalar flag
 * wins; a slice flag's first use replaces its default and further uses append.
 *
 * What pflag refuses makes kube-router exit before it touches the node, so it is an error here
 * too: an unknown flag, a missing or malformed value, or (for a v1.x image) a flag that only
 * v2.x knows.
 */
import { KpathError, type SourceLocation } from '../../errors.js'
import { parseAddr } from '../../net/ip.js'
import { type FlagSpec, KUBE_ROUTER_FLAGS, SHORTHANDS } from './flags.js'

export interface ParsedArgs {
  /** Each flag given, by long name: the last value, or every value of a slice flag. */
  readonly values: ReadonlyMap<string, readonly string[]>
  readonly positional: readonly string[]
}

const BOOL_TEXT: Readonly<Record<string, boolean>> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
}

/** Go's `strconv.ParseBool`. */
export function parseGoBool(text: string): boolean | undefined {
  return Object.hasOwn(BOOL_TEXT, text) ? BOOL_TEXT[text] : undefined
}

const DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+)$/
const UINT = /^(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|[1-9][0-9]*)$/

class Parser {
  readonly values = new Map<string, string[]>()
  readonly positional: string[] = []

  constructor(
    private readonly v1: boolean,
    private readonly where: SourceLocation | undefined,
  ) {}

  fail(message: string, hint: string): never {
    throw new KpathError('KPATH_INVALID_ARGUMENT', `kube-router: ${message}`, {
      ...(this.where === undefined ? {} : { location: this.where }),
      hint,
    })
  }

  spec(name: string, shown: string): FlagSpec {
    const spec = Object.hasOwn(KUBE_ROUTER_FLAGS, name) ? KUBE_ROUTER_FLAGS[name] : undefined
    if (spec === undefined)
      this.fail(
        `unknown flag: ${shown}`,
        'kube-router exits on an unknown flag; check the spelling',
      )
    if (spec.v2 && this.v1)
      this.fail(
        `unknown flag: ${shown}`,
        'this flag is new in kube-router v2.x; the image is a v1.x release, which exits on it',
      )
    return spec
  }

  set(name: string, spec: FlagSpec, value: string): void {
    checkValue(spec, value, (why) =>
      this.fail(`invalid argument "${value}" for "--${name}" flag: ${why}`, hintFor(spec)),
    )
    const list = slice(spec) ? splitList(value) : [value]
    const old = this.values.get(name)
    this.values.set(name, slice(spec) && old ? [...old, ...list] : list)
  }
}

function slice(spec: FlagSpec): boolean {
  return spec.kind === 'strings' || spec.kind === 'uints' || spec.kind === 'ips'
}

/** pflag reads slice values as one CSV record. */
function splitList(value: string): string[] {
  if (value === '') return []
  return value.split(',').map((s) => s.replace(/^"(.*)"$/, '$1'))
}

function checkValue(spec: FlagSpec, value: string, bad: (why: string) => never): void {
  switch (spec.kind) {
    case 'bool':
      if (parseGoBool(value) === undefined) bad('strconv.ParseBool: parsing: invalid syntax')
      return
    case 'uint':
      if (!UINT.test(value)) bad('strconv.ParseUint: parsing: invalid syntax')
      return
    case 'duration':
      if (!DURATION.test(value)) bad('time: invalid duration')
      return
    case 'uints':
      for (const v of splitList(value)) if (!UINT.test(v)) bad(`invalid uint "${v}"`)
      return
    case 'ips':
      for (const v of splitList(value)) if (parseAddr(v.trim()) === undefined) bad('invalid IP')
      return
    default:
      return
  }
}

function hintFor(spec: FlagSpec): string {
  const examples: Readonly<Record<string, string>> = {
    bool: 'true or false',
    uint: 'a non-negative integer',
    duration: 'a Go duration such as 30s or 5m',
    uints: 'a comma-separated list of integers',
    ips: 'a comma-separated list of IP addresses',
  }
  return `the value must be ${examples[spec.kind] ?? 'a string'}`
}

/** One `--name…` argument; returns how many arguments it consumed. */
function longFlag(p: Parser, args: readonly string[], i: number): number {
  const arg = args[i] ?? ''
  const eq = arg.indexOf('=')
  const name = arg.slice(2, eq < 0 ? undefined : eq)
  const spec = p.spec(name, `--${name}`)
  if (eq >= 0 || spec.kind === 'bool') {
    p.set(name, spec, eq >= 0 ? arg.slice(eq + 1) : 'true')
    return 1
  }
  const next = args[i + 1]
  if (next === undefined) p.fail(`flag needs an argument: --${name}`, hintFor(spec))
  p.set(name, spec, next)
  return 2
}

/** One `-x…` argument (a shorthand, or several boolean ones). */
function shortFlags(p: Parser, args: readonly string[], i: number): number {
  const arg = args[i] ?? ''
  let rest = arg.slice(1)
  while (rest !== '') {
    const c = rest[0] ?? ''
    const name = Object.hasOwn(SHORTHANDS, c) ? SHORTHANDS[c] : undefined
    if (name === undefined)
      p.fail(`unknown shorthand flag: '${c}' in ${arg}`, 'kube-router knows -v, -h and -V')
    const spec = p.spec(name, `-${c}`)
    rest = rest.slice(1)
    if (rest.startsWith('=')) {
      p.set(name, spec, rest.slice(1))
      return 1
    }
    if (spec.kind === 'bool') {
      p.set(name, spec, 'true')
      continue
    }
    if (rest !== '') {
      p.set(name, spec, rest)
      return 1
    }
    const next = args[i + 1]
    if (next === undefined) p.fail(`flag needs an argument: '${c}' in -${c}`, hintFor(spec))
    p.set(name, spec, next)
    return 2
  }
  return 1
}

/**
 * Parse kube-router's arguments.
 *
 * @example
 * ```ts
 * parseKubeRouterArgs(['--run-router=true', '--overlay-type', 'full'], false)
 * // values: run-router → ['true'], overlay-type → ['full']
 * ```
 */
export function parseKubeRouterArgs(
  args: readonly string[],
  v1: boolean,
  where?: SourceLocation,
): ParsedArgs {
  const p = new Parser(v1, where)
  let i = 0
  while (i < args.length) {
    const arg = args[i] ?? ''
    if (arg === '--') {
      p.positional.push(...args.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) i += longFlag(p, args, i)
    else if (arg.startsWith('-') && arg.length > 1) i += shortFlags(p, args, i)
    else {
      p.positional.push(arg)
      i += 1
    }
  }
  return { values: p.values, positional: p.positional }
}
