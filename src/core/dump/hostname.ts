/**
 * @module core/dump/hostname
 * `hostname` output: one line holding the name (RFC 1123 labels, as the kernel's UTS name
 * normally is; the kernel itself accepts any 64 bytes, so anything else is refused with its
 * location rather than guessed at).
 */
import { parseError } from '../errors.js'

const NAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/**
 * @example
 * parseHostname('worker-1\n') // 'worker-1'
 * @throws KpathError KPATH_PARSE for an empty file, more than one line or a malformed name
 */
export function parseHostname(text: string): string {
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  if (lines.length === 0)
    throw parseError('hostname: the file is empty', 1, 1, '', 'run hostname on the node')
  if (lines.length > 1)
    throw parseError(
      'hostname: expected one line',
      2,
      1,
      lines[1] ?? '',
      'hostname prints the name alone',
    )
  const name = lines[0] ?? ''
  if (!NAME.test(name)) {
    const bad = name === '' ? 0 : [...name].findIndex((c) => !/[A-Za-z0-9.-]/.test(c))
    throw parseError(
      `hostname: "${name}" is not a host name`,
      1,
      Math.max(bad, 0) + 1,
      name,
      'letters, digits, "-" and "." only',
    )
  }
  return name
}

export function printHostname(name: string): string {
  return `${name}\n`
}
