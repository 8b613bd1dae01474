//! The client's real address. Behind a proxy the TCP peer is the proxy, so `X-Forwarded-For` is
//! read, but only when the peer is a configured trusted proxy: anyone else could write any
//! address there. The answer is the rightmost address in the chain that is not one of our
//! proxies, which a client cannot forge.

use std::net::IpAddr;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use ipnet::IpNet;

#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Arc<Vec<IpNet>>);

/// Set on every request by [`resolve`].
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// IPv4-mapped IPv6 addresses (a socket listening on `::` reports IPv4 peers so) are read
    /// as the IPv4 address they carry, so that proxies and clients are known by one name.
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let Some(chain) = forwarded_for else { return peer };
        let mut client = peer;
        for hop in chain.rsplit(',').map(str::trim) {
            match hop.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                // Garbage in the chain: the last address we could read is as far as trust goes.
                Err(_) => break,
            }
        }
        client
    }
}

/// Outer middleware: records the [`ClientIp`] before the request's span and handlers need it.
pub async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if let Some(peer) = req.peer_addr().map(|a| a.ip()) {
        let trusted = req.app_data::<TrustedProxies>().cloned().unwrap_or_default();
        let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
        let ip = trusted.client_ip(peer, forwarded);
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.call(req).await
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

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(trusted.client_ip(ip("203.0.113.9"), Some("1.2.3.4")), ip("203.0.113.9"));
        assert_eq!(proxies(&[]).client_ip(ip("127.0.0.1"), Some("1.2.3.4")), ip("127.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "127.0.0.1/32"]);
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), Some("198.51.100.7")), ip("198.51.100.7"));
        // A client-supplied first hop cannot hide the address our proxy saw.
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), Some("6.6.6.6, 198.51.100.7, 10.1.2.3")), ip("198.51.100.7"));
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), None), ip("127.0.0.1"));
        assert_eq!(trusted.client_ip(ip("127.0.0.1"), Some("garbage, 10.0.0.5")), ip("10.0.0.5"));
    }

    #[test]
    fn an_ipv4_mapped_peer_is_its_ipv4_address() {
        let trusted = proxies(&["127.0.0.1/32"]);
        assert_eq!(trusted.client_ip(ip("::ffff:127.0.0.1"), Some("198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(proxies(&[]).client_ip(ip("::ffff:203.0.113.9"), None), ip("203.0.113.9"));
    }
}
