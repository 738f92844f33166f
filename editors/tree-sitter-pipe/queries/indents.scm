; Indents (nvim-treesitter captures): one level inside every bracket pair; the closing
; bracket goes back to the level of the line that opened it.
[
  (block)
  (items)
  (map)
  (list)
  (arguments)
  (parameters)
  (parenthesized_expression)
] @indent.begin

[
  "}"
  "]"
  ")"
] @indent.branch @indent.end

; A broken entry keeps the level of its block.
(ERROR "{") @indent.begin

(comment) @indent.auto
(string) @indent.ignore
