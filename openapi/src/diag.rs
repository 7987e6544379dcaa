//! Problems found in the spec, each with `file:line:col` and the offending line.

use std::fmt;

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
        f.write_str(&self.headline())?;
        if !self.line_text.is_empty() {
            let number = self.pos.line.to_string();
            let gutter = " ".repeat(number.len());
            let caret_pad: String = self
                .line_text
                .chars()
                .take(self.pos.col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(
                f,
                "\n {gutter} |\n {number} | {}\n {gutter} | {caret_pad}^",
                self.line_text
            )?;
        }
        Ok(())
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
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "\n\n{n} problem{} found in the spec",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// Collects problems against one file's text.
pub(crate) struct Sink<'a> {
    file: &'a str,
    lines: Vec<&'a str>,
    pub(crate) items: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Self {
        Sink {
            file,
            lines: text.lines().collect(),
            items: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, pos: Pos, message: impl Into<String>) {
        let line_text = self
            .lines
            .get(pos.line.wrapping_sub(1))
            .map(|l| l.trim_end().to_string())
            .unwrap_or_default();
        self.items.push(Diagnostic {
            file: self.file.to_string(),
            pos,
            message: message.into(),
            line_text,
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
