//! `consultation-receiver export`: every stored submission, oldest first, one line each. JSON
//! lines are the bodies exactly as the widget sent them with only the whitespace between
//! tokens taken out (the widget indents its JSON), so every member, its order and every
//! string are byte for byte as sent.

pub mod consent_pdf;
pub mod csv;
pub mod fhir;

use crate::cli::{Export, ExportFormat};
use crate::commands::CommandError;
use crate::domain::questionnaires::Questionnaires;
use crate::store::submissions::FullRow;
use crate::store::Reader;
use consultation_widget::core::summary::Summary;
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
async fn audit(args: &Export) -> Result<(), CommandError> {
    let store = crate::store::Store::open(&args.database).await?;
    let format = format!("{:?}", args.format).to_lowercase();
    let done = crate::commands::staff::cli_audit(
        &store,
        &format!("exported every submission as {format}"),
        "",
    )
    .await;
    store.close().await;
    done.map_err(CommandError::ExportNotAudited)
}

pub async fn run(args: Export) -> Result<(), CommandError> {
    let questionnaires = Questionnaires::from_files(&args.questionnaire)?;
    // Read-only first: a database that is not there is an error, not a new empty one.
    let store = Reader::open(&args.database).await?;
    if let Err(e) = audit(&args).await {
        store.close().await;
        return Err(e);
    }
    let lines = lines(&store, args.format, &questionnaires).await;
    store.close().await;
    let mut out = std::io::stdout().lock();
    // A line that cannot be made stops the export there, after the lines before it.
    for line in lines? {
        out.write_all(line?.as_bytes())?;
    }
    Ok(out.flush()?)
}

/// What `format` prints, each piece with its line ends.
async fn lines(
    store: &Reader,
    format: ExportFormat,
    questionnaires: &Questionnaires,
) -> Result<Vec<Result<String, CommandError>>, CommandError> {
    Ok(match format {
        ExportFormat::Csv => vec![Ok(csv::write(&store.list_all().await?))],
        ExportFormat::Fhir => store
            .all_full()
            .await?
            .iter()
            .rev()
            .map(|row| fhir_line(row, questionnaires))
            .collect(),
        ExportFormat::Json => store
            .sent_bodies()
            .await?
            .iter()
            .map(|b| Ok(one_line(b) + "\n"))
            .collect(),
        ExportFormat::Text => store
            .summaries()
            .await?
            .into_iter()
            .map(|s| Ok(format!("{s}\n{}\n", "-".repeat(72))))
            .collect(),
    })
}

/// One submission as a FHIR QuestionnaireResponse, on one line.
fn fhir_line(row: &FullRow, questionnaires: &Questionnaires) -> Result<String, CommandError> {
    let summary = Summary::from_json(&row.summary_json).map_err(|e| CommandError::Unreadable {
        reference: row.list.reference.clone(),
        reason: e,
    })?;
    let doc = questionnaires.find(&summary.questionnaire, |q| {
        fhir::questionnaire_response(&summary, q)
    });
    Ok(format!("{doc}\n"))
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
