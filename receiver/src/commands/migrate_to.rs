//! `consultation-receiver migrate-to`: copies a clinic's SQLite file into PostgreSQL
//! (`store::migrate` does the copying) and says what it copied.

use super::CommandError;
use crate::cli::MigrateTo;
use crate::store;

pub async fn run(args: MigrateTo) -> Result<(), CommandError> {
    let copied = store::migrate::migrate(&args.from, &args.database).await?;
    for (table, rows) in copied {
        println!("{table}: {rows} rows");
    }
    println!(
        "Copied {} into {}. Start the receivers with --database on it.",
        args.from.shown(),
        args.database.shown()
    );
    Ok(())
}
