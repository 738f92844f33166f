; Folds: every bracketed body that may span lines.
[
  (block)
  (items)
  (map)
  (list)
  (arguments)
  (parameters)
] @fold
