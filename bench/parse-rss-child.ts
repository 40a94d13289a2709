/**
 * @module bench/parse-rss-child
 * Child process of the iptables-parse case (see bench/peak-rss.ts): reads a dump from stdin
 * and, with `parse`, parses it once; with `read`, only holds the text. The difference of the
 * two peaks is what the parser itself needs.
 */
import { countRules, parseDump } from './parse-dump.js'
import { printChildReport, readStdin } from './peak-rss.js'

const mode = process.argv[2]
const text = await readStdin()
if (mode === 'parse') {
  printChildReport({ mode, rules: countRules(parseDump(text)), chars: text.length })
} else if (mode === 'read') {
  printChildReport({ mode, chars: text.length })
} else {
  process.stderr.write(`usage: parse-rss-child.ts parse|read < dump\n`)
  process.exit(2)
}
