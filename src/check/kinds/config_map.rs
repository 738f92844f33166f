//! A `config` (a ConfigMap the program emits, or one the cluster has) and a
//! `secret` (always one the cluster has: the program declares only its keys).

use crate::ast::{self, ExprKind};
use crate::check::eval::What;
use crate::check::fields::Fields;
use crate::check::{Checker, ConfigInfo, SecretInfo, names, read};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::schema;
use crate::source::Span;

pub(crate) fn secret<'a>(ck: &mut Checker<'a>, name: &str, span: Span, body: Option<&'a ast::Block>) {
    let mut keys = None;
    if let Some(body) = body {
        let mut f = Fields::from_block(ck, body, schema::SECRET, "a `secret`");
        let inline = ["data", "string-data", "stringData"].into_iter().find_map(|word| f.take_unlisted(word));
        if let Some((k, v)) = inline {
            ck.report(
                Diagnostic::error(Code::InlineSecret, k.span.to(v.span()), "secret values cannot be written in a program")
                    .label("secret data here would end up in Git")
                    .help("create the Secret outside pipec (kubectl, sealed-secrets, an external secret store) and declare only its keys: `keys = [\"password\"]`"),
            );
        }
        keys = read::string_list(ck, &mut f, &schema::SECRET_KEYS).map(|(l, _)| l);
        f.finish(ck);
    }
    names::check_object_name(ck, name, span, "Secret", 253);
    ck.secrets.insert(name.to_string(), SecretInfo { span, keys });
}

pub(crate) fn config<'a>(ck: &mut Checker<'a>, name: &str, span: Span, body: &'a ast::Block) -> Option<ir::Config> {
    let mut f = Fields::from_block(ck, body, schema::CONFIG, "a `config`");
    let meta = ck.meta(&mut f, name, span, crate::kinds::Kind::ConfigMap);
    let mut data = ir::StringMap::new();
    if let Some((data_key, v)) = read::take(ck, &mut f, &schema::DATA)
        && let Some(entries) = ck.map_entries(v, "`data`")
    {
        let data_span = data_key.span;
        for (key, value) in entries {
            names::check_config_key(ck, &key.text, key.span);
            let text = match &value.kind {
                ExprKind::Call { name, args } if name.node == "file" => ck.file_call(value, args),
                _ => ck.text(value, What::Key(&key.text)),
            };
            if let Some(text) = text {
                data.insert(key.text.clone(), text);
            }
        }
        let total: usize = data.iter().map(|(k, v)| k.len() + v.len()).sum();
        if total > 1024 * 1024 {
            ck.report(
                Diagnostic::error(
                    Code::TooBig,
                    data_span,
                    format!("the config holds {total} bytes; a ConfigMap may hold 1048576"),
                )
                .label("too large for a ConfigMap")
                .help("split the data into several configs, or ship large files in the image or a volume"),
            );
        }
    }
    let immutable = read::boolean(ck, &mut f, &schema::IMMUTABLE).map(|(b, _)| b);
    f.finish(ck);
    ck.configs.insert(name.to_string(), ConfigInfo { keys: Some(data.keys().cloned().collect()) });
    Some(ir::Config { meta: meta?, data, immutable })
}
