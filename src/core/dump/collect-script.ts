/**
 * @module core/dump/collect-script
 * `kpath collect`: the POSIX shell script that writes a node dump (docs/DUMP.md). It only
 * lists state (every command of {@link DUMP_FILES} is a read-only listing) and writes nothing
 * outside its output folder. A command that is missing or fails leaves its file out, so a
 * missing file means "not collected"; why is written to `collect.log`, with the versions of
 * the tools that ran, so that a dump says what made it. The folder is then tarred when `tar`
 * exists. Run it on a node, or through `kubectl debug node/NAME` (chroot /host first, so that
 * the node's own tools and their iptables variant are used).
 */
import { COLLECT_LOG, DUMP_FILES, type DumpFileSpec } from './files.js'

/** Quote one word for sh: single quotes, an embedded quote closed, escaped and reopened. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}

const VERSION_COMMANDS: readonly string[] = [
  'uname -r',
  'ip -V',
  'bridge -V',
  'iptables-save --version',
  'ip6tables-save --version',
  'nft --version',
  'ipset version',
  'conntrack --version',
  'ipvsadm --version',
  'sysctl --version',
]

function collectLine(f: DumpFileSpec): string {
  const argv = f.argv.map(shellQuote).join(' ')
  const grep = f.grep === undefined ? '' : ` ${shellQuote(f.grep)}`
  const call = `collect ${f.name}${f.grep === undefined ? ' -' : grep} ${argv}`
  return f.guard === undefined
    ? call
    : `if ${f.guard}; then ${call}; else skipped ${f.name} '${f.guard} does not hold'; fi`
}

/**
 * The script. `$1` names the output folder (default `kpath-dump-HOST-DATE`); the tarball is
 * that name with `.tar.gz`.
 *
 * @example
 * collectScript().startsWith('#!/bin/sh') // true
 */
export function collectScript(): string {
  return `#!/bin/sh
# kpath node dump: plain outputs of read-only listing commands (docs/DUMP.md).
# Usage: sh collect.sh [OUTPUT-DIR]    (as root; on the node or in kubectl debug node/NAME + chroot /host)
# A command that is absent or fails leaves its file out: a missing file means "not collected".
set -u
umask 077
out=\${1:-kpath-dump-$(hostname 2>/dev/null || echo node)-$(date +%Y%m%d%H%M%S)}
mkdir -p "$out" || exit 1
log="$out/${COLLECT_LOG}"
: >"$log"

skipped() { echo "skipped $1: $2" >>"$log"; }

# collect FILE GREP CMD ARGS...: run CMD; keep its output as FILE when it succeeds.
# GREP '-' keeps every line; otherwise only lines matching it (sysctl -a: net.* only).
collect() {
  file=$1; pattern=$2; shift 2
  if ! command -v "$1" >/dev/null 2>&1; then skipped "$file" "$1 not found"; return 0; fi
  if "$@" >"$out/$file.tmp" 2>"$out/$file.err" || { [ "$1" = sysctl ] && [ -s "$out/$file.tmp" ]; }; then
    if [ "$pattern" = - ]; then mv "$out/$file.tmp" "$out/$file"
    else grep -e "$pattern" "$out/$file.tmp" >"$out/$file"; rm -f "$out/$file.tmp"; fi
    echo "collected $file: $*" >>"$log"
  else
    skipped "$file" "$* failed: $(head -c 300 "$out/$file.err" | tr '\\n' ' ')"
    rm -f "$out/$file.tmp"
  fi
  rm -f "$out/$file.err"
}

${DUMP_FILES.map(collectLine).join('\n')}

{
  echo "versions:"
${VERSION_COMMANDS.map((c) => `  ( ${c} ) 2>&1 | head -n 1 | sed 's/^/  /'`).join('\n')}
} >>"$log" 2>/dev/null

if command -v tar >/dev/null 2>&1; then
  tar -czf "$out.tar.gz" -C "$(dirname "$out")" "$(basename "$out")" && echo "kpath: wrote $out/ and $out.tar.gz" >&2
else
  echo "kpath: wrote $out/ (tar not found)" >&2
fi
`
}
