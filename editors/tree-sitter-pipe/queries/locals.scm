; Scopes and definitions: lets, params and templates are visible in the whole file
; (in any order); a template's parameters in its body; a `for`'s names in its items.
(source_file) @local.scope
(template_item) @local.scope
(for_item) @local.scope

(let_item name: (identifier) @local.definition.constant)
(param_item name: (identifier) @local.definition.parameter)
(template_item name: (identifier) @local.definition.function)
(param_decl name: (identifier) @local.definition.parameter)
(for_item name: (identifier) @local.definition.var)
(for_item value: (identifier) @local.definition.var)

(_expression/identifier) @local.reference
(instance template: (path . (identifier) @local.reference))
