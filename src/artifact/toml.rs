//! Reading `studio.toml` into the same line-carrying tree as YAML.

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

use super::node::{Entry, Node, Value};

/// Parses TOML text; errors carry the line they point at.
pub fn parse(text: &str) -> Result<Node, (u32, String)> {
    let lines = LineIndex::new(text);
    match DeTable::parse(text) {
        Ok(table) => Ok(table_node(&lines, table.span().start, table.get_ref())),
        Err(err) => {
            let line = err.span().map(|s| lines.line_of(s.start)).unwrap_or(0);
            let message = err.message().trim().trim_end_matches('.').to_string();
            Err((line, message))
        }
    }
}

struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(starts)
    }
    fn line_of(&self, byte: usize) -> u32 {
        self.0.partition_point(|&s| s <= byte) as u32
    }
}

fn table_node(lines: &LineIndex, start: usize, table: &DeTable<'_>) -> Node {
    let entries = table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_line: lines.line_of(k.span().start),
            value: value_node(lines, v),
        })
        .collect();
    Node::new(lines.line_of(start), Value::Map(entries))
}

fn value_node(lines: &LineIndex, v: &Spanned<DeValue<'_>>) -> Node {
    let line = lines.line_of(v.span().start);
    let value = match v.get_ref() {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(Value::Int)
            .unwrap_or_else(|_| Value::Str(i.as_str().to_string())),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .map(Value::Float)
            .unwrap_or(Value::Null),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Str(d.to_string()),
        DeValue::Array(items) => Value::Seq(items.iter().map(|i| value_node(lines, i)).collect()),
        DeValue::Table(t) => return table_node(lines, v.span().start, t),
    };
    Node::new(line, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_keys_and_values_carry_lines() {
        let n =
            parse("[studio]\ntitle = \"T\"\nstart = \"a\"\n\n[policy]\nallow_conditional = true\n")
                .expect("ok");
        assert_eq!(n.locate("/studio/start"), 3);
        assert_eq!(n.locate("/policy/allow_conditional"), 6);
        assert_eq!(n.get("studio").and_then(|s| s.str_at("title")), Some("T"));
    }

    #[test]
    fn toml_error_has_line() {
        let err = parse("[studio]\ntitle = \n").expect_err("bad");
        assert_eq!(err.0, 2, "{err:?}");
    }
}
