/**
 * The tar reader against archives GNU tar (this machine's, 1.34) writes at test time in each of
 * its formats (gnu: ././@LongLink; ustar: the name prefix field; pax: extended headers), with a
 * name over 100 bytes and UTF-8 content; damaged archives are located KpathErrors. Then the
 * dump view of an archive (archive.ts): the collect script's one-folder layout, `-C DIR .`, and
 * archives that are not one dump folder.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { thrown } from '../testing/errors.js'
import { dumpFilesFromTar } from './archive.js'
import { readTar, type TarEntry } from './tar.js'

const hasTar = (() => {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const LONG = `${'sub-folder-with-a-long-name/'.repeat(3)}${'f'.repeat(40)}.txt`
const CONTENT: Readonly<Record<string, string>> = {
  'dump/hostname.txt': 'node1\n',
  'dump/sysctl.txt': 'net.ipv4.ip_forward = 1\n'.repeat(100),
  'dump/empty.txt': '',
  [`dump/${LONG}`]: 'ünïcödé ✓\n',
}

/** A folder `dump/` with CONTENT, archived by GNU tar in `format`. */
function archive(format: string, extra: (dir: string) => void = () => {}): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kpath-tar-'))
  for (const [path, text] of Object.entries(CONTENT)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  extra(dir)
  return new Uint8Array(execFileSync('tar', [`--format=${format}`, '-cf', '-', '-C', dir, 'dump']))
}

function files(entries: readonly TarEntry[]): Record<string, string> {
  return Object.fromEntries(
    entries.filter((e) => e.type === 'file').map((e) => [e.path, new TextDecoder().decode(e.data)]),
  )
}

describe.skipIf(!hasTar)(`readTar${hasTar ? '' : ' (skipped: tar not installed)'}`, () => {
  it.each(['gnu', 'ustar', 'pax'])('reads what GNU tar --format=%s writes', (format) => {
    const entries = readTar(archive(format), 'x.tar')
    expect(files(entries)).toEqual(CONTENT)
    expect(entries.filter((e) => e.type === 'directory').map((e) => e.path)).toContain('dump')
    // The listing order is tar's own.
    const listed = execFileSync('tar', ['-tf', '-'], { input: archive(format), encoding: 'utf8' })
    expect(entries.map((e) => e.path)).toEqual(
      listed
        .trimEnd()
        .split('\n')
        .map((p) => p.replace(/\/$/, '')),
    )
  })

  it('a damaged header: its checksum does not match', () => {
    const bytes = archive('gnu')
    bytes[10] = (bytes[10] ?? 0) ^ 0x01
    const e = thrown(() => readTar(bytes, 'x.tar'))
    expect(e.code).toBe('KPATH_PARSE')
    expect(e.message).toBe(
      'x.tar: byte 0: tar header checksum does not match (not a tar archive, or damaged)',
    )
  })

  it('a truncated archive: a member cut short, or no end-of-archive block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpath-tar-'))
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(5000))
    const bytes = new Uint8Array(
      execFileSync('tar', ['--format=gnu', '-cf', '-', '-C', dir, 'big.txt']),
    )
    expect(files(readTar(bytes, 'x.tar'))).toEqual({ 'big.txt': 'x'.repeat(5000) })
    const short = thrown(() => readTar(bytes.subarray(0, 2048), 'x.tar'))
    expect(short.code).toBe('KPATH_PARSE')
    expect(short.message).toBe(
      'x.tar: byte 0: a member of 5000 bytes is cut short (the archive is truncated)',
    )
    // The header and the 10 data blocks, and nothing after them.
    const end = thrown(() => readTar(bytes.subarray(0, 512 * 11), 'x.tar'))
    expect(end.message).toBe(
      'x.tar: byte 5632: the archive ends without its end-of-archive block (it is truncated)',
    )
  })

  it('a symbolic link is reported, not skipped', () => {
    const bytes = archive('gnu', (dir) => symlinkSync('hostname.txt', join(dir, 'dump/link')))
    const e = thrown(() => readTar(bytes, 'x.tar'))
    expect(e.code).toBe('KPATH_UNSUPPORTED')
    expect(e.message).toBe('x.tar: dump/link is a symbolic link: a node dump holds only files')
  })

  it('text that is not an archive', () => {
    const bytes = new TextEncoder().encode('hello\n'.repeat(200))
    expect(thrown(() => readTar(bytes, 'x.tar')).code).toBe('KPATH_PARSE')
  })
})

describe.skipIf(!hasTar)('dumpFilesFromTar', () => {
  function tarOf(layout: Record<string, string>, args: (dir: string) => string[]): Uint8Array {
    const dir = mkdtempSync(join(tmpdir(), 'kpath-tar-'))
    for (const [path, text] of Object.entries(layout)) {
      mkdirSync(join(dir, path, '..'), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    return new Uint8Array(execFileSync('tar', ['-cf', '-', ...args(dir)]))
  }

  it('the collect script’s layout: one folder of files', () => {
    const bytes = tarOf(
      { 'kpath-dump-a/hostname.txt': 'a\n', 'kpath-dump-a/collect.log': '' },
      (d) => ['-C', d, 'kpath-dump-a'],
    )
    expect(dumpFilesFromTar(bytes, 'a.tar')).toEqual(
      new Map([
        ['hostname.txt', 'a\n'],
        ['collect.log', ''],
      ]),
    )
  })

  it('an archive made inside the folder (tar -C DIR .)', () => {
    const bytes = tarOf({ 'hostname.txt': 'b\n' }, (d) => ['-C', d, '.'])
    expect(dumpFilesFromTar(bytes, 'b.tar')).toEqual(new Map([['hostname.txt', 'b\n']]))
  })

  it('two folders, or a sub-folder: not one dump', () => {
    const two = tarOf({ 'a/hostname.txt': 'a\n', 'b/hostname.txt': 'b\n' }, (d) => [
      '-C',
      d,
      'a',
      'b',
    ])
    const e = thrown(() => dumpFilesFromTar(two, 'two.tar'))
    expect(e.code).toBe('KPATH_INVALID_ARGUMENT')
    expect(e.message).toBe(
      'two.tar: a/hostname.txt is not in the dump folder (the archive should hold one folder of files)',
    )
    const nested = tarOf({ 'a/x/y.txt': '' }, (d) => ['-C', d, 'a'])
    expect(thrown(() => dumpFilesFromTar(nested, 'n.tar')).message).toContain('a/x/y.txt')
  })
})
