//! Problems found in the spec, each with `file:line:col`, drawn with the
//! offending line and a caret by annotate-snippets (rustc's renderer).

use std::fmt;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use crate::yaml::Pos;

/// One problem in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the reader should see it, e.g. `openapi/participants.yaml`.
    pub file: String,
    /// Where the problem is.
    pub pos: Pos,
    /// What is wrong, without a final dot.
    pub message: String,
    /// The text of the offending line (empty when there is none to show).
    pub line_text: String,
}

impl Diagnostic {
    /// The first line of the report: `file:line:col: message`.
    pub fn headline(&self) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file, self.pos.line, self.pos.col, self.message
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The caret goes under the character at the column (or just past
        // the end of the line).
        let line = self.line_text.as_str();
        let start = line
            .char_indices()
            .nth(self.pos.col - 1)
            .map_or(line.len(), |(i, _)| i);
        let end = line[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        let snippet = Snippet::source(line)
            .line_start(self.pos.line)
            .path(self.file.as_str())
            .annotation(AnnotationKind::Primary.span(start..end));
        let report = [Level::ERROR
            .primary_title(self.message.as_str())
            .element(snippet)];
        f.write_str(&Renderer::plain().render(&report))
    }
}

/// Every problem found in one run, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The `file:line:col: message` headlines, one per problem.
    pub fn headlines(&self) -> Vec<String> {
        self.0.iter().map(Diagnostic::headline).collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}\n")?;
        }
        let n = self.0.len();
        write!(
            f,
            "{n} problem{} found in the spec",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// Collects problems against one file's text.
pub(crate) struct Sink<'a> {
    file: &'a str,
    lines: Vec<&'a str>,
    /// Just past the last character.
    end: Pos,
    pub(crate) items: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Self {
        Sink {
            file,
            lines: text.lines().collect(),
            end: Pos {
                line: text.split('\n').count(),
                col: text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            },
            items: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, pos: Pos, message: impl ToString) {
        // The YAML scanner can place the end of the input a line past it.
        let pos = if pos.line > self.end.line {
            self.end
        } else {
            pos
        };
        let line_text = self
            .lines
            .get(pos.line.wrapping_sub(1))
            .map_or("", |l| l.trim_end());
        let pos = Pos {
            line: pos.line.max(1),
            col: pos.col.max(1),
        };
        self.items.push(Diagnostic {
            file: self.file.to_string(),
            pos,
            message: message.to_string(),
            line_text: line_text.to_string(),
        });
    }

    pub(crate) fn finish(mut self) -> Result<(), Diagnostics> {
        if self.items.is_empty() {
            return Ok(());
        }
        self.items.sort_by_key(|a| a.pos);
        self.items.dedup();
        Err(Diagnostics(self.items))
    }
}
