//! Times as staff read them: in the clinic's zone (`--time-zone`, else the system's), one
//! format everywhere on the staff pages and in the notification email, such as
//! `7 Dec 2026, 14:05 GMT`. Stored times and the exports stay UTC in RFC 3339; only what is
//! shown to people changes. Zone rules come from jiff: the system's zoneinfo, or the copy of
//! the tz database built in where a container has none.

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The day, month, year, the time to the minute and the zone's abbreviation (or its offset
/// where the tz database has no abbreviation, such as `+03`), so a time is never ambiguous.
const FORMAT: &str = "%-d %b %Y, %H:%M %Z";

/// The zone staff pages show times in.
#[derive(Clone, Debug)]
pub struct Zone(TimeZone);

/// A `--time-zone` the tz database does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time zone: give an IANA name such as Europe/London or America/New_York")]
pub struct ZoneError(String);

/// One time on a page: `iso` for `<time datetime>` (UTC, for machines), `shown` for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct When {
    pub iso: String,
    pub shown: String,
}

impl Zone {
    /// The system's zone (`TZ`, else /etc/localtime); UTC where it cannot be told.
    pub fn system() -> Zone {
        Zone(TimeZone::system())
    }

    /// A `--time-zone`: an IANA name such as Europe/London. (clap names the flag in front of
    /// the error.)
    pub fn parse(name: &str) -> Result<Zone, ZoneError> {
        TimeZone::get(name.trim())
            .map(Zone)
            .map_err(|_| ZoneError(name.to_owned()))
    }

    /// The zone's IANA name, for the log (`system` where the system's has none).
    pub fn name(&self) -> &str {
        self.0.iana_name().unwrap_or("system")
    }

    /// A stored RFC 3339 time (UTC), as staff read it. Anything else is shown as it is.
    pub fn when(&self, rfc3339: &str) -> When {
        match rfc3339.parse::<Timestamp>() {
            Ok(t) => self.at(t),
            Err(_) => When {
                iso: rfc3339.to_owned(),
                shown: rfc3339.to_owned(),
            },
        }
    }

    /// Milliseconds since the Unix epoch, as staff read them.
    pub fn when_ms(&self, ms: i64) -> When {
        match Timestamp::from_millisecond(ms) {
            Ok(t) => self.at(t),
            Err(_) => When {
                iso: ms.to_string(),
                shown: ms.to_string(),
            },
        }
    }

    fn at(&self, t: Timestamp) -> When {
        When {
            iso: t.to_string(),
            shown: t
                .to_zoned_datetime(self.0.clone())
                .strftime(FORMAT)
                .to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_in_the_zone_with_its_abbreviation() {
        let london = Zone::parse("Europe/London").unwrap();
        assert_eq!(
            london.when("2026-12-07T14:05:09Z").shown,
            "7 Dec 2026, 14:05 GMT"
        );
        assert_eq!(
            london.when("2026-07-07T14:05:09Z").shown,
            "7 Jul 2026, 15:05 BST"
        );
        let new_york = Zone::parse("America/New_York").unwrap();
        let w = new_york.when("2026-12-02T03:30:00.479Z");
        assert_eq!(w.shown, "1 Dec 2026, 22:30 EST");
        assert_eq!(w.iso, "2026-12-02T03:30:00.479Z");
        assert_eq!(
            new_york.when_ms(1_796_266_800_000).shown,
            "2 Dec 2026, 22:00 EST"
        );
        assert_eq!(new_york.when("not a time").shown, "not a time");
    }

    #[test]
    fn unknown_zones_are_refused() {
        let e = Zone::parse("Mars/Olympus_Mons").unwrap_err().to_string();
        assert!(e.contains("Europe/London"), "{e}");
        assert!(Zone::parse("").is_err());
    }
}
