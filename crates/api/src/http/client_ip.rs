//! The client's real address. Behind a proxy the TCP peer is the proxy, so `X-Forwarded-For` is
//! read, but only when the peer is a configured trusted proxy: anyone else could write any
//! address there. The answer is the rightmost address in the chain that is not one of our
//! proxies, which a client cannot forge.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use actix_web::dev::ServiceRequest;
use actix_web::http::header::X_FORWARDED_FOR;
use ipnet::IpNet;

#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Arc<Vec<IpNet>>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// IPv4-mapped IPv6 addresses (a socket listening on `::` reports IPv4 peers so) are read
    /// as the IPv4 address they carry, so that proxies and clients are known by one name.
    ///
    /// `forwarded_for` is every `X-Forwarded-For` line in the order received: a proxy may append
    /// a line of its own rather than extend the client's, and together they are one chain.
    /// Each hop is read on its own, so a hop that is not text ends the walk there, never before
    /// the hops a proxy appended to its right.
    pub fn client_ip<'a>(&self, peer: IpAddr, forwarded_for: impl DoubleEndedIterator<Item = &'a [u8]>) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for.rev().flat_map(|line| line.rsplit(|b| *b == b',')) {
            let hop = std::str::from_utf8(hop).ok().map(str::trim);
            match hop.and_then(hop_address).map(|ip| ip.to_canonical()) {
                Some(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                // Garbage in the chain: the last address we could read is as far as trust goes.
                None => break,
            }
        }
        client
    }
}

/// A hop as proxies write it: `ip`, `ip:port`, `[v6]` or `[v6]:port`.
fn hop_address(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = hop.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[')?.strip_suffix(']')?.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

/// The client's address, from the TCP peer and the trusted proxies' `X-Forwarded-For`.
pub fn of(req: &ServiceRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let Some(trusted) = req.app_data::<TrustedProxies>() else { return Some(peer.to_canonical()) };
    // Empty, and so never allocated, when the request has no such header.
    let lines: Vec<&[u8]> = req.headers().get_all(&X_FORWARDED_FOR).map(|v| v.as_bytes()).collect();
    Some(trusted.client_ip(peer, lines.into_iter()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies(Arc::new(list.iter().map(|s| s.parse().unwrap()).collect()))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn one(line: &str) -> std::vec::IntoIter<&[u8]> {
        vec![line.as_bytes()].into_iter()
    }

    fn none() -> std::vec::IntoIter<&'static [u8]> {
        Vec::new().into_iter()
    }

    #[test]
    fn a_line_a_trusted_proxy_appends_is_read_with_the_others() {
        let trusted = proxies(&["127.0.0.1/32", "10.0.0.0/8"]);
        // The client wrote the first line; HAProxy appended the address it saw as a second one.
        let lines = vec!["6.6.6.6".as_bytes(), b"198.51.100.7"].into_iter();
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), lines), ip("198.51.100.7"));
        let lines = vec!["6.6.6.6, 198.51.100.7".as_bytes(), b"10.0.0.2"].into_iter();
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), lines), ip("198.51.100.7"));
        // A hop that is not text, written by the client on the line the proxy extends, hides
        // nothing to its right.
        let lines = vec![b"\xff\xfe, 198.51.100.7".as_slice()].into_iter();
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), lines), ip("198.51.100.7"));
    }

    #[test]
    fn hops_with_ports_and_brackets_are_read() {
        let trusted = proxies(&["127.0.0.1/32", "10.0.0.0/8"]);
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), one("198.51.100.7:4711")), ip("198.51.100.7"));
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), one("[2001:db8::7]:4711, 10.0.0.1:80")), ip("2001:db8::7"));
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), one("[2001:db8::8]")), ip("2001:db8::8"));
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), one("6.6.6.6, [2001:db8::9")), ip("127.0.0.1"));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(trusted.client_ip(ip("203.0.113.9"), one("1.2.3.4")), ip("203.0.113.9"));
        assert_eq!(proxies(&[]).client_ip(ip("127.0.0.1"), one("1.2.3.4")), ip("127.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "127.0.0.1/32"]);
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), one("198.51.100.7")), ip("198.51.100.7"));
        // A client-supplied first hop cannot hide the address our proxy saw.
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), one("6.6.6.6, 198.51.100.7, 10.1.2.3")), ip("198.51.100.7"));
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), none()), ip("127.0.0.1"));
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), one("garbage, 10.0.0.5")), ip("10.0.0.5"));
    }

    #[test]
    fn an_ipv4_mapped_peer_is_its_ipv4_address() {
        let trusted = proxies(&["127.0.0.1/32"]);
        assert_eq!(trusted.client_ip(ip("::ffff:127.0.0.1"), one("198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(proxies(&[]).client_ip(ip("::ffff:203.0.113.9"), none()), ip("203.0.113.9"));
    }
}
