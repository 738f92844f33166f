// Highlights a .pipe file with the extension's own TextMate grammar (editors/vscode) through
// Shiki — the same grammar engine (vscode-textmate, Oniguruma) VS Code runs — and writes an
// HTML page for a headless browser to photograph (render.sh). Usage: node highlight.mjs IN OUT.
import { createHighlighter } from 'shiki';
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
const grammar = JSON.parse(readFileSync(new URL('../vscode/syntaxes/pipe.tmLanguage.json', import.meta.url)));
const highlighter = await createHighlighter({ themes: ['github-light'], langs: [{ ...grammar, name: 'pipe' }] });
const code = readFileSync(input, 'utf8');
// Fails loudly if the grammar gave no scopes at all (a broken grammar would still "highlight").
const tokens = highlighter.codeToTokensBase(code, { lang: 'pipe', theme: 'github-light' });
const colours = new Set(tokens.flat().map((t) => t.color));
if (colours.size < 4) {
  console.error(`only ${colours.size} colours: the grammar highlights nothing`);
  process.exit(1);
}
const html = highlighter.codeToHtml(code, { lang: 'pipe', theme: 'github-light' });
writeFileSync(output, `<!doctype html><meta charset="utf-8"><style>
  body { margin: 0; background: #fff; }
  .title { font: 13px system-ui, sans-serif; color: #57606a; padding: 10px 18px 0; }
  pre.shiki { margin: 0; padding: 10px 18px 16px; font: 14px/1.45 'DejaVu Sans Mono', monospace; }
</style><div class="title">${input.split('/').pop()}</div>${html}`);
console.log(`${output}: ${colours.size} colours`);
