//! Who is asking: the client's address as the sign-in throttle, the intake's rate limit and the
//! audit log count it. Behind a reverse proxy every connection comes from the proxy, so only for
//! a peer inside a `--trusted-proxy` range is the address taken from `Forwarded` (RFC 7239) or
//! `X-Forwarded-For`: the rightmost address there that is not itself a trusted proxy. Addresses
//! left of it were written by the client and could say anything.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr};

/// The `--trusted-proxy` ranges (a bare address is a range of one).
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

/// Parses one `--trusted-proxy` value: `10.0.0.0/8`, `fd00::/8`, or a single address.
pub fn parse_range(text: &str) -> Result<IpNet, NotARange> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| NotARange(text.to_owned()))
}

/// A `--trusted-proxy` value that is neither an address nor a range (clap prints it).
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not an address or a range such as 10.0.0.0/8")]
pub struct NotARange(String);

impl TrustedProxies {
    pub fn new(ranges: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(ranges)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|range| range.contains(&ip))
    }

    /// The client's address for a request that came from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        // Hops as the proxies appended them, nearest last; `Forwarded` wins where both are sent
        // (a proxy that writes the standard header is the one configured to).
        let mut hops = forwarded_for(headers);
        if hops.is_empty() {
            hops = x_forwarded_for(headers);
        }
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            // A hop a trusted proxy could not name ("unknown", an obfuscated id): the nearest
            // proxy it reached is the best that can be said.
            let Some(ip) = hop else { return client };
            client = canonical(ip);
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// IPv4-mapped IPv6 (`::ffff:192.0.2.1`, as a dual-stack socket reports IPv4) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The key an address is counted under: IPv4 as it is, IPv6 by its /64, the block one
/// subscriber is usually given (so hopping addresses inside it counts as one client).
pub fn throttle_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let prefix = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{prefix}/64")
        }
    }
}

/// Every `for=` of every `Forwarded` header, in order; `None` for a value that is no address.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("forwarded")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| node_address(v.trim().trim_matches('"')))
            })
        })
        .collect()
}

/// Every address of every `X-Forwarded-For` header, in order.
fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(|hop| node_address(hop.trim()))
        .collect()
}

/// RFC 7239's node: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711`; a
/// bare IPv6 address too, as X-Forwarded-For writes it.
fn node_address(node: &str) -> Option<IpAddr> {
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.parse().ok().or_else(|| {
        let (host, port) = node.rsplit_once(':')?;
        port.parse::<u16>().ok()?;
        host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderName, HeaderValue};

    fn proxies(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::new(ranges.iter().map(|r| parse_range(r).unwrap()).collect())
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            h.append(name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    /// The table in client_cases.txt: a peer, the headers it sent, and the client expected.
    #[test]
    fn the_client_behind_trusted_proxies() {
        let trusted = proxies(&["10.0.0.0/8", "fd00::/8", "203.0.113.7"]);
        let cases = include_str!("client_cases.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect::<Vec<_>>();
        assert_eq!(cases.len(), 16, "the table's cases");
        for case in cases {
            let [peer, sent, want] = case.split(" | ").collect::<Vec<_>>()[..] else {
                panic!("not a case: {case}");
            };
            let sent: Vec<(&str, &str)> = sent
                .split(" + ")
                .filter(|h| !h.is_empty())
                .map(|h| h.split_once(": ").expect("name: value"))
                .collect();
            let got = trusted.client(peer.parse().unwrap(), &headers(&sent));
            assert_eq!(got.to_string(), want, "peer {peer}, headers {sent:?}");
        }
    }

    #[test]
    fn ipv6_counts_by_its_64() {
        let a = throttle_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = throttle_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = throttle_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            throttle_key("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1"
        );
        assert_eq!(throttle_key("192.0.2.1".parse().unwrap()), "192.0.2.1");
    }

    #[test]
    fn ranges() {
        assert!(parse_range("10.0.0.0/8").is_ok());
        assert!(parse_range("127.0.0.1").is_ok());
        assert!(parse_range("::1").is_ok());
        assert!(parse_range("10.0.0.0/33").is_err());
        assert!(parse_range("proxy.example").is_err());
    }
}
