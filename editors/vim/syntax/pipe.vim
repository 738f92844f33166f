" Vim syntax for .pipe files (pipec). Install: copy editors/vim/* into ~/.vim/.
if exists("b:current_syntax") | finish | endif
" Names have dashes (`job-name`, `service-account`): a word does not end at one.
syn iskeyword @,48-57,_,192-255,-

" The words of src/syntax/keywords.rs, each once (tests/editors.rs checks it).
syn keyword pipeItem namespace let config secret job cron daemon import param template for in defaults
syn keyword pipeItem service-account role cluster-role role-binding cluster-role-binding service deployment spark pipeline
" Items whose words are not keywords (they stay keys inside blocks): only at the start of a line.
syn match pipeItem "^\%(service-account\|cluster-role-binding\|cluster-role\|role-binding\|role\|service\|deployment\|spark\|pipeline\)\ze\s"
syn keyword pipeConditional if then else
syn keyword pipeStatement mount at readonly subpath propagation
syn keyword pipeBoolean true false
syn match pipeComment "#.*$" contains=@Spell
syn match pipeNumber "\<-\=\d[0-9_]*\(\.\d\+\)\=\([a-zA-Z]\+\d*\)\=\>"
syn region pipeInterp matchgroup=pipeDelimiter start="\${" end="}" contained contains=pipeNumber,pipeString
syn match pipeEscape "\\." contained
syn region pipeString start=+"+ skip=+\\"+ end=+"+ oneline contains=pipeInterp,pipeEscape
syn match pipeKey "\<[A-Za-z_][A-Za-z0-9_-]*\>\ze\s*[={]"
" A key with a label: `container sidecar {`, `volume "cache" {`.
syn match pipeKey "^\s*\zs[A-Za-z_][A-Za-z0-9_-]*\ze\s\+\([A-Za-z_][A-Za-z0-9_-]*\|"[^"]*"\)\s*[={]"
syn match pipeCall "\<[A-Za-z_][A-Za-z0-9_-]*\>\ze("

hi def link pipeItem Keyword
hi def link pipeConditional Conditional
hi def link pipeStatement Statement
hi def link pipeBoolean Boolean
hi def link pipeComment Comment
hi def link pipeNumber Number
hi def link pipeString String
hi def link pipeEscape SpecialChar
hi def link pipeDelimiter Delimiter
hi def link pipeKey Identifier
hi def link pipeCall Function

let b:current_syntax = "pipe"
