//! `consultation-receiver export`: every stored submission, oldest first, one line each. JSON
//! lines are the bodies exactly as the widget sent them with only the whitespace between
//! tokens taken out (the widget indents its JSON), so every member, its order and every
//! string are byte for byte as sent; a submission with photos (issue 24) has one member added
//! at the end, `received_photos`, the receiver's record of each stored photo (`with_photos`).
//! `consent-pdf` writes files instead: one PDF per signed
//! submission into a folder.

pub mod consent_pdf;
pub mod csv;
pub mod fhir;
mod pdf_text;

use crate::cli::{Export, ExportFormat};
use crate::commands::CommandError;
use crate::domain::questionnaires::Questionnaires;
use crate::store::photos::PhotoRow;
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

/// The body as sent, with the photos stored beside it as a last member `received_photos`:
/// each photo's id, question, description, size (bytes), SHA-256 (hex) and pixel size, never
/// its bytes. Without photos, the body exactly as sent.
pub fn with_photos(body: &str, photos: &[PhotoRow]) -> String {
    let trimmed = body.trim_end();
    let Some(open) = trimmed.strip_suffix('}') else {
        return body.to_owned();
    };
    if photos.is_empty() {
        return body.to_owned();
    }
    let list: Vec<serde_json::Value> = photos
        .iter()
        .map(|p| {
            serde_json::json!({
                "photo": p.photo_id,
                "question": p.question_id,
                "description": p.description,
                "size": p.size,
                "sha256": p.sha256,
                "width": p.width,
                "height": p.height,
            })
        })
        .collect();
    let list = serde_json::to_string(&list).unwrap_or_default();
    format!("{},\n  \"received_photos\": {list}\n}}\n", open.trim_end())
}

/// An export from the command line is audited before anything is printed: one that cannot be
/// recorded does not happen.
async fn audit(args: &Export) -> Result<(), CommandError> {
    let store = crate::store::Store::open(&args.database).await?;
    let action = match args.format {
        ExportFormat::ConsentPdf => "exported the signed consents as PDF".to_owned(),
        other => format!(
            "exported every submission as {}",
            format!("{other:?}").to_lowercase()
        ),
    };
    let done = crate::commands::staff::cli_audit(&store, &action, "").await;
    store.close().await;
    done.map_err(CommandError::ExportNotAudited)
}

pub async fn run(args: Export) -> Result<(), CommandError> {
    let out = match (args.format, &args.out) {
        (ExportFormat::ConsentPdf, Some(out)) => Some(out.clone()),
        (ExportFormat::ConsentPdf, None) => return Err(CommandError::ConsentPdfNeedsOut),
        (_, Some(_)) => return Err(CommandError::OutOnlyForConsentPdf),
        (_, None) => None,
    };
    let questionnaires = Questionnaires::from_files(
        &args.questionnaires.questionnaire,
        &args.questionnaires.language,
    )?;
    // Read-only first: a database that is not there is an error, not a new empty one.
    let store = Reader::open(&args.database).await?;
    if let Err(e) = audit(&args).await {
        store.close().await;
        return Err(e);
    }
    if let Some(out) = out {
        let rows = store.all_full().await;
        store.close().await;
        return consent_pdfs(&rows?, &questionnaires, &out);
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
        ExportFormat::Fhir => {
            let mut out = Vec::new();
            for row in store.all_full().await?.iter().rev() {
                let photos = store.photos_with_bytes(&row.list.submission_id).await?;
                out.push(fhir_line(row, &photos, questionnaires));
            }
            out
        }
        ExportFormat::Json => {
            let mut out = Vec::new();
            for (id, body) in store.sent_bodies().await? {
                let photos = store.photos_of(&id).await?;
                out.push(Ok(one_line(&with_photos(&body, &photos)) + "\n"));
            }
            out
        }
        ExportFormat::Text => store
            .summaries()
            .await?
            .into_iter()
            .map(|s| Ok(format!("{s}\n{}\n", "-".repeat(72))))
            .collect(),
        // Files, not lines: `run` writes them (`consent_pdfs`).
        ExportFormat::ConsentPdf => Vec::new(),
    })
}

/// `--format consent-pdf`: the signed consent of each signed submission as
/// `consent-REFERENCE.pdf` in `out` (made 0700 if missing; each file 0600, replaced if there),
/// oldest first, each file's path printed as it is written, then how many; submissions without
/// a signature are skipped. Two submissions whose references coincide get their ids in the names.
fn consent_pdfs(
    rows: &[FullRow],
    questionnaires: &Questionnaires,
    out: &std::path::Path,
) -> Result<(), CommandError> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let folder = |source| CommandError::Out {
        path: out.to_owned(),
        source,
    };
    if !out.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(out)
            .map_err(folder)?;
    }
    let mut stdout = std::io::stdout().lock();
    let (mut written, mut names) = (0, std::collections::HashSet::new());
    for row in rows.iter().rev() {
        let Some(pdf) = consent_pdf_of(row, questionnaires)? else {
            continue;
        };
        let mut name = format!("consent-{}.pdf", row.list.reference);
        if !names.insert(name.clone()) {
            name = format!(
                "consent-{}-{}.pdf",
                row.list.reference, row.list.submission_id
            );
        }
        let path = out.join(name);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .map_err(folder)?;
        file.write_all(&pdf).map_err(folder)?;
        writeln!(stdout, "{}", path.display())?;
        written += 1;
    }
    let skipped = rows.len() - written;
    writeln!(
        stdout,
        "{written} signed consent(s) written to {}; {skipped} submission(s) without a signature",
        out.display()
    )?;
    Ok(stdout.flush()?)
}

/// One stored submission's signed consent as a PDF, or None when it has no signature.
fn consent_pdf_of(
    row: &FullRow,
    questionnaires: &Questionnaires,
) -> Result<Option<Vec<u8>>, CommandError> {
    let summary = Summary::from_json(&row.summary_json).map_err(|e| CommandError::Unreadable {
        reference: row.list.reference.clone(),
        reason: e,
    })?;
    let record =
        questionnaires.reading(&summary, |r| consent_pdf::record(r, &row.list.received_at));
    let Some(record) = record else {
        return Ok(None);
    };
    let pdf = consent_pdf::write(&record, jiff::Timestamp::now()).map_err(|e| {
        CommandError::ConsentPdf {
            reference: row.list.reference.clone(),
            reason: e.to_string(),
        }
    })?;
    Ok(Some(pdf))
}

/// One submission as a FHIR QuestionnaireResponse, on one line.
fn fhir_line(
    row: &FullRow,
    photos: &[(PhotoRow, Vec<u8>)],
    questionnaires: &Questionnaires,
) -> Result<String, CommandError> {
    let summary = Summary::from_json(&row.summary_json).map_err(|e| CommandError::Unreadable {
        reference: row.list.reference.clone(),
        reason: e,
    })?;
    let doc = questionnaires.reading(&summary, |r| fhir::questionnaire_response(r, photos));
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
