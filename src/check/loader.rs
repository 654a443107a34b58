//! Loading the entry file and everything it imports: reading, decoding, parsing, stdlib lookup,
//! import cycles. Produces the modules in dependency order (each after its imports).

use crate::check::codes;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::ast::{ImportTarget, Item, SourceUnit};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The stdlib modules written in Theta, embedded so `thetac` works from any directory.
pub const STDLIB: &[(&str, &str)] = &[
    ("math", include_str!("../../stdlib/math.theta")),
    ("strings", include_str!("../../stdlib/strings.theta")),
    ("arrays", include_str!("../../stdlib/arrays.theta")),
];

/// Index of a module in [`Loaded::modules`].
pub type ModuleId = usize;

/// One import line of a module, resolved.
#[derive(Clone, Debug)]
pub struct ModImport {
    /// The name the importing module uses.
    pub alias: String,
    /// Where that name is written (the alias, or the whole line).
    pub alias_span: Span,
    /// The imported module (`None` when it failed to load).
    pub module: Option<ModuleId>,
}

/// One loaded module.
#[derive(Clone, Debug)]
pub struct Module {
    /// The qualifier for its items in the flattened program (`""` for the entry file).
    pub qualifier: String,
    /// Its source file.
    pub file: FileId,
    /// Its syntax tree.
    pub ast: Rc<SourceUnit>,
    /// Its imports, in source order.
    pub imports: Vec<ModImport>,
}

/// Every module of a program, dependencies first, the entry file last.
pub struct Loaded {
    /// The modules.
    pub modules: Vec<Module>,
    /// All files read.
    pub sources: SourceMap,
    /// Read, decode, parse and import errors.
    pub diagnostics: Vec<Diagnostic>,
}

enum State {
    Loading,
    Done(Option<ModuleId>),
}

struct Loader {
    modules: Vec<Module>,
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    state: HashMap<String, State>,
    /// Display names of the modules being loaded, for cycle messages.
    stack: Vec<(String, String)>,
}

/// Loads `bytes` as the entry file named `name` and everything it imports.
pub fn load(name: &str, bytes: &[u8]) -> Loaded {
    let mut loader = Loader {
        modules: Vec::new(),
        sources: SourceMap::new(),
        diagnostics: Vec::new(),
        state: HashMap::new(),
        stack: Vec::new(),
    };
    let key = file_key(Path::new(name));
    loader.load_module(key, name.to_string(), String::new(), bytes, dir_of(name));
    Loaded {
        modules: loader.modules,
        sources: loader.sources,
        diagnostics: loader.diagnostics,
    }
}

/// Reads a source file's bytes; `Err` holds the reason for unreadable files.
pub fn read_source(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| e.to_string())
}

fn dir_of(name: &str) -> PathBuf {
    Path::new(name)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn file_key(path: &Path) -> String {
    let p = std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    p.to_string_lossy().into_owned()
}

/// Display name of a path joined onto the importing file's directory.
fn display_path(dir: &Path, rel: &str) -> String {
    let joined = dir.join(rel);
    joined.to_string_lossy().replace('\\', "/")
}

impl Loader {
    fn load_module(
        &mut self,
        key: String,
        display: String,
        qualifier: String,
        bytes: &[u8],
        dir: PathBuf,
    ) -> Option<ModuleId> {
        self.state.insert(key.clone(), State::Loading);
        self.stack.push((key.clone(), display.clone()));
        // The parser decodes the bytes and reports invalid UTF-8 (E0011) at its place.
        let file = FileId(self.sources.files().count() as u32);
        let (text, ast, diags) = crate::syntax::parse_bytes(file, bytes);
        let added = self.sources.add(SourceFile::new(display.clone(), text));
        debug_assert_eq!(added, file);
        self.diagnostics.extend(diags);
        let mut imports = Vec::new();
        for item in &ast.items {
            let Item::Import(imp) = item else { continue };
            let (alias, alias_span, module) = match &imp.target {
                ImportTarget::Stdlib(id) => {
                    let alias = imp.alias.clone().unwrap_or_else(|| id.clone());
                    let module = self.import_stdlib(&id.name, id.span, &alias.name);
                    (alias.name, alias.span, module)
                }
                ImportTarget::File { path, span } => {
                    let stem = Path::new(path)
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let (alias, alias_span) = match &imp.alias {
                        Some(a) => (a.name.clone(), a.span),
                        None => (stem, *span),
                    };
                    let module = self.import_file(&dir, path, *span, &alias);
                    (alias, alias_span, module)
                }
            };
            imports.push(ModImport {
                alias,
                alias_span,
                module,
            });
        }
        self.stack.pop();
        let id = self.modules.len();
        self.modules.push(Module {
            qualifier,
            file,
            ast: Rc::new(ast),
            imports,
        });
        self.state.insert(key, State::Done(Some(id)));
        Some(id)
    }

    /// Handles an already seen or in-progress key; `None` means "load it now".
    fn seen(&mut self, key: &str, span: Span, display: &str) -> Option<Option<ModuleId>> {
        match self.state.get(key) {
            Some(State::Done(m)) => Some(*m),
            Some(State::Loading) => {
                let start = self.stack.iter().position(|(k, _)| k == key).unwrap_or(0);
                let mut chain: Vec<&str> = self.stack[start..]
                    .iter()
                    .map(|(_, d)| d.as_str())
                    .collect();
                chain.push(display);
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::IMPORT_CYCLE,
                        "import cycle",
                        span,
                        "this import leads back to a module that is still loading",
                    )
                    .with_note(format!("the cycle: {}", chain.join(" → ")))
                    .with_help("move the shared items into a third module that both import"),
                );
                Some(None)
            }
            None => None,
        }
    }

    fn import_stdlib(&mut self, name: &str, span: Span, alias: &str) -> Option<ModuleId> {
        let key = format!("<stdlib>/{name}");
        let display = format!("stdlib/{name}.theta");
        if let Some(m) = self.seen(&key, span, &display) {
            return m;
        }
        let Some((_, text)) = STDLIB.iter().find(|(n, _)| *n == name) else {
            let mut d = Diagnostic::error(
                codes::BAD_IMPORT,
                format!("there is no standard library module `{name}`"),
                span,
                "unknown module",
            );
            let names = STDLIB.iter().map(|(n, _)| *n);
            d = match crate::check::suggest::best_match(name, names) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_note(format!(
                    "the standard library has: {}",
                    STDLIB
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            self.diagnostics.push(d);
            self.state.insert(key, State::Done(None));
            return None;
        };
        let _ = alias;
        self.load_module(
            key,
            display,
            name.to_string(),
            text.as_bytes(),
            PathBuf::new(),
        )
    }

    fn import_file(&mut self, dir: &Path, rel: &str, span: Span, alias: &str) -> Option<ModuleId> {
        let path = dir.join(rel);
        let key = file_key(&path);
        let display = display_path(dir, rel);
        if let Some(m) = self.seen(&key, span, &display) {
            return m;
        }
        match read_source(&path) {
            Ok(bytes) => {
                let sub_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                self.load_module(key, display, alias.to_string(), &bytes, sub_dir)
            }
            Err(e) => {
                self.diagnostics.push(Diagnostic::error(
                    codes::BAD_IMPORT,
                    format!("cannot read imported file `{display}`: {e}"),
                    span,
                    "imported here",
                ));
                self.state.insert(key, State::Done(None));
                None
            }
        }
    }
}
