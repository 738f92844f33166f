//! `build`'s writer: checked objects are lowered and written as YAML as soon as
//! they are checked — on the checking thread for the first few, then on a second
//! thread fed through a bounded channel — into pieces of about 1 MB.

use crate::diag::Diagnostic;
use crate::{emit, ir, lower};

/// YAML written during compilation (not shown when there are errors).
#[derive(Default)]
pub(super) struct Written {
    /// Every object, documents separated by `---`, in pieces of about
    /// [`Written::PIECE`] bytes: one growing string would, at each doubling, briefly
    /// need its old and new copies at once (twice the output in memory).
    pub(super) pieces: Vec<String>,
    /// Per object: its file name under `-o DIR`, namespace, and where it is (piece, range).
    pub(super) documents: Vec<(String, Option<String>, usize, std::ops::Range<usize>)>,
}

impl Written {
    const PIECE: usize = 1 << 20;

    /// Appends one document, separated from the previous one by `---`.
    fn push(&mut self, name: String, namespace: Option<String>, write: impl FnOnce(&mut String)) {
        let first = self.documents.is_empty();
        if self.pieces.last().is_none_or(|p| p.len() >= Self::PIECE) {
            self.pieces.push(String::with_capacity(Self::PIECE + Self::PIECE / 4));
        }
        let piece = self.pieces.len() - 1;
        let out = &mut self.pieces[piece];
        if !first {
            out.push_str("---\n");
        }
        let start = out.len();
        write(out);
        self.documents.push((name, namespace, piece, start..out.len()));
    }

    pub(super) fn text(&self) -> std::borrow::Cow<'_, str> {
        match self.pieces.as_slice() {
            [] => "".into(),
            [one] => one.as_str().into(),
            many => many.concat().into(),
        }
    }
}

/// Lowers checked objects and writes their YAML, collecting the diagnostics of
/// `raw` patches (the only ones lowering has).
#[derive(Default)]
pub(super) struct Writer {
    pub(super) written: Written,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Writer {
    pub(super) fn object(&mut self, program: &ir::Program, object: &ir::Object) {
        lower::lower_item(program, object, &mut self.diagnostics, |object| {
            let (name, namespace) = (emit::file_name(&object), object.namespace().map(String::from));
            self.written.push(name, namespace, |out| emit::write_object(&object, out));
        });
    }
}

/// Where objects are lowered and written: here, for the first few, then on a
/// second thread while checking goes on (on large programs the two halves take
/// about as long as each other; small ones never pay for starting a thread).
pub(super) enum Writing<'scope> {
    /// The writer, and how many objects it has written.
    Here(Writer, usize),
    There {
        to_writer: std::sync::mpsc::SyncSender<ToWriter>,
        handle: std::thread::ScopedJoinHandle<'scope, Writer>,
        /// The program of the last object sent (name and namespace are what lowering reads).
        last: Option<(String, Option<String>)>,
    },
}

impl<'scope> Writing<'scope> {
    /// Objects written on the checking thread before a writing thread starts.
    const BEFORE_A_THREAD: usize = 64;

    pub(super) fn object<'env>(
        &mut self,
        scope: &'scope std::thread::Scope<'scope, 'env>,
        program: &ir::Program,
        o: ir::Object,
    ) {
        match self {
            Writing::Here(writer, written) if *written < Self::BEFORE_A_THREAD => {
                writer.object(program, &o);
                *written += 1;
            }
            Writing::Here(writer, _) => {
                let writer = std::mem::take(writer);
                let (to_writer, from_checker) = std::sync::mpsc::sync_channel::<ToWriter>(256);
                let handle = scope.spawn(move || write_received(writer, from_checker));
                *self = Writing::There { to_writer, handle, last: None };
                self.object(scope, program, o);
            }
            Writing::There { to_writer, last, .. } => {
                // Programs are few and objects many: the program goes along only when it changes.
                let same = last.as_ref().is_some_and(|(n, ns)| *n == program.name && *ns == program.namespace);
                let header = (!same).then(|| {
                    *last = Some((program.name.clone(), program.namespace.clone()));
                    program.clone_header()
                });
                let _ = to_writer.send(ToWriter { program: header, object: Box::new(o) });
            }
        }
    }

    pub(super) fn finish(self) -> Writer {
        match self {
            Writing::Here(writer, _) => writer,
            Writing::There { to_writer, handle, .. } => {
                drop(to_writer);
                handle.join().expect("the writing thread does not panic")
            }
        }
    }
}

fn write_received(mut writer: Writer, from_checker: std::sync::mpsc::Receiver<ToWriter>) -> Writer {
    let mut program = None;
    for message in from_checker {
        if let Some(header) = message.program {
            program = Some(header);
        }
        writer.object(program.as_ref().expect("the first object carries its program"), &message.object);
    }
    writer
}

/// What the checking thread sends the writing thread: an object, and its
/// program when it differs from the previous object's.
pub(super) struct ToWriter {
    program: Option<ir::Program>,
    object: Box<ir::Object>,
}
