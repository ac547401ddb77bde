//! A retention period in whole days, as `--retention-days` and `--audit-retention-days` take
//! it: from one day to a century.

use crate::domain::moment::now_ms;
use clap::builder::{MapValueParser, RangedI64ValueParser, TypedValueParser, ValueParserFactory};

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Days(u32);

const MS_PER_DAY: i64 = 24 * 60 * 60 * 1000;

impl Days {
    pub fn get(self) -> u32 {
        self.0
    }

    /// The time, in milliseconds since the Unix epoch, this many days before now.
    pub fn ago(self) -> i64 {
        now_ms() - i64::from(self.0) * MS_PER_DAY
    }
}

/// clap checks the range, and says it, before anything starts.
impl ValueParserFactory for Days {
    type Parser = MapValueParser<RangedI64ValueParser<u32>, fn(u32) -> Days>;
    fn value_parser() -> Self::Parser {
        clap::value_parser!(u32)
            .range(1..=36500)
            .map(Days as fn(u32) -> Days)
    }
}
