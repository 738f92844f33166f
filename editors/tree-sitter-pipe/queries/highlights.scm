; Highlights for .pipe (capture names as nvim-treesitter and Helix use them).
;
; No node is captured by two patterns: highlighters differ on which of two matching
; patterns wins (and have changed it between versions), so overlapping patterns would
; colour differently from one editor to the next. Values are
; therefore captured through the `_expression` supertype, not by a catch-all
; `(identifier)` or `(string)` pattern.

(comment) @comment

; ---- keywords ----------------------------------------------------------------
[
  "namespace"
  "param"
  "template"
  "defaults"
  "let"
  "config"
  "secret"
  "mount"
  "at"
] @keyword

(workload_kind) @keyword
(object_kind) @keyword

"import" @keyword.import

"for" @keyword.repeat
"in" @keyword.repeat

[
  "if"
  "then"
  "else"
] @keyword.conditional

; Mount options: `readonly`, `subpath "file"`, `propagation host-to-container`.
(readonly) @keyword.modifier
(subpath "subpath" @keyword.modifier)
(propagation "propagation" @keyword.modifier)
(propagation mode: (identifier) @constant)

; ---- items and their names ---------------------------------------------------
(workload_item name: (identifier) @type.definition)
(config_item name: (identifier) @type.definition)
(object_item name: (identifier) @type.definition)
(secret_item name: (identifier) @type.definition)
(template_item name: (identifier) @function)
(instance template: (path (identifier) @module "."))
(instance template: (path (identifier) @function.call .))

(let_item name: (identifier) @constant)
(param_item name: (identifier) @variable.parameter)
(param_decl name: (identifier) @variable.parameter)
(for_item name: (identifier) @variable)
(for_item value: (identifier) @variable)

(type name: (identifier) @type.builtin)

; ---- entries -----------------------------------------------------------------
(field key: (identifier) @property)
(nested key: (identifier) @property)
(labeled key: (identifier) @property)
(map_entry key: (identifier) @property)
(field key: (string) @property)
(nested key: (string) @property)
(labeled key: (string) @property)
(map_entry key: (string) @property)

(label (identifier) @label)
(label (string) @label)
(mount name: (identifier) @label)
(mount name: (string) @label)

; ---- values ------------------------------------------------------------------
(call function: (identifier) @function.call)
(argument name: (identifier) @variable.parameter)
(field_access field: (identifier) @variable.member)

(number) @number
(boolean) @boolean

(_expression/string) @string
(namespace_item name: (string) @string)
(import_item path: (string) @string)
(workload_item name: (string) @string)
(config_item name: (string) @string)
(object_item name: (string) @string)
(secret_item name: (string) @string)
(mount path: (string) @string)
(subpath path: (string) @string)
(escape_sequence) @string.escape
(interpolation
  "${" @punctuation.special
  "}" @punctuation.special)

(_expression/identifier) @variable

; ---- punctuation -------------------------------------------------------------
[
  "="
  "+"
  "-"
  "*"
  "/"
  "%"
  "=="
  "!="
  "<="
  ">="
  "&&"
  "||"
  "!"
  ".."
] @operator

(binary_expression ["<" ">"] @operator)
(type ["<" ">"] @punctuation.bracket)

; Per parent, so that the `}` closing an interpolation is only @punctuation.special.
(block ["{" "}"] @punctuation.bracket)
(items ["{" "}"] @punctuation.bracket)
(map ["{" "}"] @punctuation.bracket)
(list ["[" "]"] @punctuation.bracket)
(index_expression ["[" "]"] @punctuation.bracket)
(parameters ["(" ")"] @punctuation.bracket)
(arguments ["(" ")"] @punctuation.bracket)
(parenthesized_expression ["(" ")"] @punctuation.bracket)

[
  ","
  ":"
  "."
] @punctuation.delimiter
