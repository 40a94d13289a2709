/**
 * @module core/dump/archive
 * A node dump from the tarball the collect script writes (`tar -czf OUT.tar.gz -C PARENT OUT`):
 * the archive holds one folder, `OUT/`, with the dump files in it. The bytes given here are the
 * tar archive itself; gunzip happens in the caller (adapters/node/dump-dir.ts: node:zlib), so this
 * stays pure. A tarball made from inside the folder (`tar -czf x.tgz -C OUT .`) is read too.
 */
import { KpathError } from '../errors.js'
import type { DumpFiles } from './read.js'
import { readTar } from './tar.js'

/**
 * The dump files of a tarball (text, UTF-8), by name.
 *
 * @example
 * dumpFilesFromTar(tarBytes, 'node1.tar.gz').get('hostname.txt') // 'node1\n'
 * @throws KpathError KPATH_PARSE for a damaged archive; KPATH_INVALID_ARGUMENT when it holds
 *   no single dump folder (several folders, or files in sub-folders)
 */
export function dumpFilesFromTar(tar: Uint8Array, source: string): DumpFiles {
  const files = readTar(tar, source)
    .filter((e) => e.type === 'file')
    .map((e) => ({ ...e, path: e.path.replace(/^(\.\/)+/, '') }))
  const tops = new Set(files.map((f) => (f.path.includes('/') ? f.path.split('/')[0] : '')))
  const top = tops.size === 1 ? [...tops][0] : undefined
  const strip = top === undefined || top === '' ? '' : `${top}/`
  const out = new Map<string, string>()
  const decoder = new TextDecoder()
  for (const f of files) {
    const name = f.path.slice(strip.length)
    if (top === undefined || name.includes('/'))
      throw new KpathError(
        'KPATH_INVALID_ARGUMENT',
        `${source}: ${f.path} is not in the dump folder (the archive should hold one folder of files)`,
        { hint: 'pass the tarball kpath collect wrote, or unpack it and pass the folder' },
      )
    out.set(name, decoder.decode(f.data))
  }
  return out
}
