/**
 * @file Tree-sitter grammar for .pipe, the language of pipec.
 *
 * grammar/pipe.pest is the language's one true grammar; this file follows it rule by
 * rule (the names of the nodes are those of its rules where it has one) and accepts
 * every program that it accepts (CI parses every .pipe file of the repository with
 * both). It is a little looser in one place: a keyword written where pest wants a name
 * or a value (`let x = job`) is an identifier here, an error for pipec to explain.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// ---- keywords ----------------------------------------------------------------
// Every word the grammar treats as a keyword, exactly the `kw_*` tokens of
// grammar/pipe.pest. pipec's keyword table test reads this array (between the
// BEGIN and END lines): keep one quoted word per entry, nothing else inside.
// `kw()` below refuses any other word, so a rule cannot use a keyword missing here.
// The literals `true` and `false` are values, not keywords (see BOOLEANS).
// BEGIN KEYWORDS
const KEYWORDS = [
  'namespace',
  'import',
  'param',
  'template',
  'defaults',
  'for',
  'service-account',
  'service',
  'role',
  'cluster-role',
  'role-binding',
  'cluster-role-binding',
  'pipeline',
  'in',
  'if',
  'then',
  'else',
  'let',
  'config',
  'secret',
  'job',
  'cron',
  'daemon',
  'deployment',
  'spark',
  'mount',
  'at',
  'readonly',
  'subpath',
  'propagation',
];
// END KEYWORDS

// The words that start a workload (`workload_kw` in pipe.pest). `deployment`, like the
// object words below, is a keyword only where an item starts: it stays a valid key.
const WORKLOAD_KINDS = ['job', 'cron', 'daemon', 'deployment', 'spark'];

// The objects around the workloads (`object_kw` in pipe.pest). Like `defaults`, these words
// are keywords only where an item starts: `role` and `service-account` stay valid keys.
const OBJECT_KINDS = [
  'service-account', 'service', 'role', 'cluster-role', 'role-binding', 'cluster-role-binding', 'pipeline',
];

const BOOLEANS = ['true', 'false'];

// The words that start an item cannot be keys (`item_keyword` in pipe.pest): so a
// block left open ends where the next item starts, as pipec reports it.
const ITEM_KEYWORDS = [
  'namespace', 'let', 'config', 'secret', 'job', 'cron', 'daemon', 'import', 'param', 'for', 'mount',
].map(kw);

/**
 * A keyword of KEYWORDS (a typo or a forgotten entry fails `tree-sitter generate`).
 * @param {string} word
 */
function kw(word) {
  if (!KEYWORDS.includes(word)) {
    throw new Error(`grammar.js: '${word}' is used as a keyword but is not in KEYWORDS`);
  }
  return word;
}

// Operators, loosest first, as in pipe.pest's `expr` rule.
const PREC = {
  if: 0,
  or: 1,
  and: 2,
  compare: 3,
  range: 4,
  add: 5,
  mul: 6,
  prefix: 7,
  postfix: 8,
};

/**
 * One or more `rule`s separated by commas, a trailing comma allowed.
 * @param {RuleOrLiteral} rule
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)), optional(','));
}

module.exports = grammar({
  name: 'pipe',

  word: $ => $.identifier,

  // Words that are keywords wherever a key may stand; any word elsewhere (a label, a
  // call's name or a mount's name may be `config` or `job`).
  reserved: {
    global: _ => [],
    key: _ => ITEM_KEYWORDS,
  },

  extras: $ => [/\s/, $.comment],

  supertypes: $ => [$._item, $._entry, $._expression],

  // `task load = etl(…)` reads as a template use (`task_use`) or as a labelled entry whose
  // value is a call until the `(`; the dynamic precedence of `task_use` decides.
  conflicts: $ => [[$.path, $._expression], [$.path, $.call]],

  rules: {
    source_file: $ => repeat($._item),

    _item: $ => choice(
      $.namespace_item,
      $.import_item,
      $.param_item,
      $.template_item,
      $.for_item,
      $.let_item,
      $.config_item,
      $.secret_item,
      $.defaults_item,
      $.workload_item,
      $.object_item,
    ),

    // `namespace "qa"` puts the program's objects in `qa`; with a block it also emits the Namespace.
    namespace_item: $ => seq(kw('namespace'), field('name', $.string), optional(field('body', $.block))),

    import_item: $ => seq(kw('import'), field('path', $.string)),

    param_item: $ => seq(
      kw('param'),
      field('name', $.identifier),
      ':',
      field('type', $.type),
      optional(seq('=', field('default', $._expression))),
    ),

    let_item: $ => seq(
      kw('let'),
      field('name', $.identifier),
      '=',
      field('value', $._expression),
    ),

    // `config name` without a block refers to a ConfigMap that exists in the cluster.
    config_item: $ => seq(kw('config'), field('name', $._name), optional(field('body', $.block))),

    secret_item: $ => seq(kw('secret'), field('name', $._name), optional(field('body', $.block))),

    // `defaults` is a keyword only here: it stays a valid key and name everywhere else.
    defaults_item: $ => seq(kw('defaults'), field('body', $.block)),

    // `job a { … }`, or from a template: `job a = worker(image = "…") { more keys }`.
    workload_item: $ => seq(
      field('kind', alias(choice(...WORKLOAD_KINDS.map(kw)), $.workload_kind)),
      field('name', $._name),
      choice(
        seq(field('instance', $.instance), optional(field('body', $.block))),
        field('body', $.block),
      ),
    ),

    // `service-account spark { … }`; a `role` or `cluster-role` without a block refers to one
    // that the cluster has.
    object_item: $ => seq(
      field('kind', alias(choice(...OBJECT_KINDS.map(kw)), $.object_kind)),
      field('name', $._name),
      optional(field('body', $.block)),
    ),

    instance: $ => seq('=', field('template', $.path), field('arguments', $.arguments)),

    path: $ => seq($.identifier, repeat(seq('.', $.identifier))),

    template_item: $ => seq(
      kw('template'),
      field('name', $.identifier),
      field('parameters', $.parameters),
      field('body', $.block),
    ),

    parameters: $ => seq('(', optional(commaSep1($.param_decl)), ')'),

    param_decl: $ => seq(
      field('name', $.identifier),
      ':',
      field('type', $.type),
      optional(seq('=', field('default', $._expression))),
    ),

    type: $ => seq(
      field('name', $.identifier),
      optional(seq('<', field('argument', $.type), '>')),
    ),

    for_item: $ => seq(
      kw('for'),
      field('name', $.identifier),
      optional(seq(',', field('value', $.identifier))),
      kw('in'),
      field('iterable', $._expression),
      field('body', $.items),
    ),

    items: $ => seq('{', repeat($._item), '}'),

    _name: $ => choice($.identifier, $.string),

    // ---- blocks -------------------------------------------------------------
    block: $ => seq('{', repeat(seq($._entry, optional(','))), '}'),

    _entry: $ => choice($.field, $.nested, $.labeled, $.task_use, $.mount),

    _key: $ => choice(reserved('key', $.identifier), $.string),

    // `image = "busybox:1.36"`
    field: $ => seq(field('key', $._key), '=', field('value', $._expression)),

    // `resources { cpu = 1 }`
    nested: $ => seq(field('key', $._key), field('body', $.block)),

    // `container sidecar { … }`, `volume scratch = empty-dir()`: the label names a
    // container, an init container or a volume (any word, or a string).
    labeled: $ => seq(
      field('key', $._key),
      field('label', alias($._name, $.label)),
      choice(
        seq('=', field('value', $._expression)),
        field('body', $.block),
      ),
    ),

    // A pipeline's task made from a template: `task load = etl(step = "load") { after = [transform] }`
    // (`task` is no keyword: `task a { … }` is a labeled entry, `task` a key elsewhere).
    // Without a block it reads as a labelled call (`volume v = empty-dir()` stays one).
    task_use: $ => prec.dynamic(1, seq(
      field('key', $._key),
      field('label', alias($._name, $.label)),
      field('instance', $.instance),
      field('body', $.block),
    )),

    // `mount NAME at "/path" [readonly] [subpath "file"] [propagation host-to-container]`
    mount: $ => seq(
      kw('mount'),
      field('name', $._name),
      kw('at'),
      field('path', $.string),
      repeat(field('option', choice($.readonly, $.subpath, $.propagation))),
    ),

    readonly: _ => kw('readonly'),

    subpath: $ => seq(kw('subpath'), field('path', $.string)),

    propagation: $ => seq(kw('propagation'), field('mode', $.identifier)),

    // ---- expressions --------------------------------------------------------
    _expression: $ => choice(
      $.if_expression,
      $.binary_expression,
      $.unary_expression,
      $.field_access,
      $.index_expression,
      $.parenthesized_expression,
      $.list,
      $.map,
      $.string,
      $.number,
      $.boolean,
      $.call,
      $.identifier,
    ),

    if_expression: $ => prec.right(PREC.if, seq(
      kw('if'),
      field('condition', $._expression),
      kw('then'),
      field('consequence', $._expression),
      kw('else'),
      field('alternative', $._expression),
    )),

    binary_expression: $ => {
      /** @type {[number, RuleOrLiteral][]} */
      const table = [
        [PREC.or, '||'],
        [PREC.and, '&&'],
        [PREC.compare, choice('==', '!=', '<=', '>=', '<', '>')],
        [PREC.range, '..'],
        [PREC.add, choice('+', '-')],
        [PREC.mul, choice('*', '/', '%')],
      ];
      return choice(...table.map(([precedence, operator]) => prec.left(precedence, seq(
        field('left', $._expression),
        field('operator', operator),
        field('right', $._expression),
      ))));
    },

    unary_expression: $ => prec(PREC.prefix, seq(
      field('operator', choice('-', '!')),
      field('operand', $._expression),
    )),

    field_access: $ => prec(PREC.postfix, seq(
      field('object', $._expression),
      '.',
      field('field', $.identifier),
    )),

    index_expression: $ => prec(PREC.postfix, seq(
      field('object', $._expression),
      '[',
      field('index', $._expression),
      ']',
    )),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    list: $ => seq('[', optional(commaSep1($._expression)), ']'),

    map: $ => seq('{', optional(commaSep1($.map_entry)), '}'),

    map_entry: $ => seq(
      field('key', $._key),
      choice(':', '='),
      field('value', $._expression),
    ),

    // A call's name may be a keyword: `config(app, "mode")`, `secret(db, "password")`.
    call: $ => seq(field('function', $.identifier), field('arguments', $.arguments)),

    arguments: $ => seq('(', optional(commaSep1($.argument)), ')'),

    argument: $ => seq(
      optional(seq(field('name', $.identifier), '=')),
      field('value', $._expression),
    ),

    boolean: _ => choice(...BOOLEANS),

    // A number with an optional unit glued to it: 30s, 1h30m, 500m, 1.5Gi, 1e3, 0o644.
    // A dot belongs to it only when a digit or letter follows (`0..8` is a range).
    number: _ => /[0-9][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*/,

    // Strings: double quotes, escapes, ${expr} interpolation, one line.
    string: $ => seq(
      '"',
      repeat(choice(
        $.string_content,
        alias($._dollar, $.string_content),
        $.escape_sequence,
        $.interpolation,
      )),
      '"',
    ),

    // Above `comment`, so that `"#x"` is text, not the start of a comment.
    string_content: _ => token.immediate(prec(1, /[^"\\\n$]+/)),

    // A `$` not followed by `{` is text (`${` is a longer token, so it wins).
    _dollar: _ => token.immediate('$'),

    escape_sequence: _ => token.immediate(/\\[^\n]?/),

    interpolation: $ => seq(token.immediate('${'), optional($._expression), '}'),

    // `a-b` is one name (Kubernetes names have dashes); `a - b` is a subtraction.
    identifier: _ => /[A-Za-z_][A-Za-z0-9_-]*/,

    comment: _ => token(seq('#', /.*/)),
  },
});
