//! `consultation-receiver export`: every stored submission, oldest first, one line each. JSON
//! lines are the bodies exactly as the widget sent them with only the whitespace between
//! tokens taken out (the widget indents its JSON), so every member, its order and every
//! string are byte for byte as sent.

pub mod csv;
pub mod fhir;

use crate::cli::{Export, ExportFormat};
use crate::store::Reader;
use std::io::Write;

/// Removes the whitespace between JSON tokens, leaving strings untouched. Only used on bodies
/// the core has already parsed, so the input is well-formed JSON.
pub fn one_line(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    out
}

/// An export from the command line is audited before anything is printed: one that cannot be
/// recorded does not happen.
async fn audit(args: &Export) -> Result<(), String> {
    let store = crate::store::Store::open(&args.database).await?;
    let format = format!("{:?}", args.format).to_lowercase();
    let done = crate::commands::staff::cli_audit(
        &store,
        &format!("exported every submission as {format}"),
        "",
    )
    .await;
    store.close().await;
    done.map_err(|e| format!("the export was not audited, so nothing is printed: {e}"))
}

pub async fn run(args: Export) -> Result<(), String> {
    let questionnaires =
        crate::domain::questionnaires::Questionnaires::from_files(&args.questionnaire)?;
    // Read-only first: a database that is not there is an error, not a new empty one.
    let store = Reader::open(&args.database).await?;
    if let Err(e) = audit(&args).await {
        store.close().await;
        return Err(e);
    }
    if args.format == ExportFormat::Csv {
        let rows = store.list_all().await?;
        store.close().await;
        let mut out = std::io::stdout().lock();
        out.write_all(crate::export::csv::write(&rows).as_bytes())
            .map_err(|e| e.to_string())?;
        return out.flush().map_err(|e| e.to_string());
    }
    if args.format == ExportFormat::Fhir {
        let rows = store.all_full().await?;
        store.close().await;
        let mut out = std::io::stdout().lock();
        for row in rows.iter().rev() {
            let summary = consultation_widget::core::summary::Summary::from_json(&row.summary_json)
                .map_err(|e| format!("{}: {e}", row.list.reference))?;
            let doc = questionnaires.find(&summary.questionnaire, |q| {
                crate::export::fhir::questionnaire_response(&summary, q)
            });
            writeln!(out, "{doc}").map_err(|e| e.to_string())?;
        }
        return out.flush().map_err(|e| e.to_string());
    }
    let lines = match args.format {
        ExportFormat::Json => store
            .sent_bodies()
            .await?
            .iter()
            .map(|b| one_line(b))
            .collect(),
        _ => store.summaries().await?,
    };
    store.close().await;
    let mut out = std::io::stdout().lock();
    for line in lines {
        let line = match args.format {
            ExportFormat::Json => line,
            _ => format!("{line}\n{}", "-".repeat(72)),
        };
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn only_whitespace_between_tokens_goes() {
        let sent = "{\n  \"a\": \"x  y\\n\\\" }\",\n  \"b\": [ 1, true ],\n  \"c\": \"\\\\\" }";
        assert_eq!(
            one_line(sent),
            r#"{"a":"x  y\n\" }","b":[1,true],"c":"\\"}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(sent).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&one_line(sent)).unwrap(),
            parsed
        );
    }
}
