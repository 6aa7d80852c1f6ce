//! Loopback HTTPS for the TLS tests: a throwaway CA, leaf certificates it signs, and servers on
//! 127.0.0.1 that end TLS and then forward to a sandbox, or never respond.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// When a certificate is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// From the start of last year to the end of next year.
    Current,
    /// During 2020 only.
    Expired,
}

fn set_validity(params: &mut CertificateParams, validity: Validity) {
    let (from, to) = match validity {
        Validity::Current => {
            let year = i32::from(
                jiff::Timestamp::now()
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .year(),
            );
            (
                date_time_ymd(year - 1, 1, 1),
                date_time_ymd(year + 1, 12, 31),
            )
        }
        Validity::Expired => (date_time_ymd(2020, 1, 1), date_time_ymd(2020, 12, 31)),
    };
    params.not_before = from;
    params.not_after = to;
}

/// A root CA made for one test, like the CA of a network that inspects TLS.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

impl TestCa {
    pub fn new(common_name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut params, Validity::Current);
        let key = KeyPair::generate().expect("CA key");
        let certificate = params.self_signed(&key).expect("CA certificate");
        TestCa {
            pem: certificate.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// Returns the CA certificate as PEM, as a user would export it for
    /// `ClientConfig::extra_ca_pem`.
    pub fn pem(&self) -> Vec<u8> {
        self.pem.as_bytes().to_vec()
    }

    /// Issues a server certificate for `names` (host names or IP addresses), signed by this CA.
    pub fn leaf(&self, names: &[&str], validity: Validity) -> Leaf {
        let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
        let mut params = CertificateParams::new(names.clone()).expect("leaf parameters");
        params
            .distinguished_name
            .push(DnType::CommonName, names[0].as_str());
        params.use_authority_key_identifier_extension = true;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        set_validity(&mut params, validity);
        let key = KeyPair::generate().expect("leaf key");
        let certificate = params
            .signed_by(&key, &self.issuer)
            .expect("leaf certificate");
        Leaf {
            certificate: certificate.der().clone(),
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
        }
    }
}

/// A server certificate and its private key.
pub struct Leaf {
    certificate: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

/// What a server does once a connection is open.
#[derive(Debug, Clone, Copy)]
pub enum Behaviour {
    /// Ends TLS and passes the plain bytes both ways to a server at this address.
    Forward(SocketAddr),
    /// Completes the TLS handshake, then reads the request and never responds.
    SilentAfterHandshake,
    /// Accepts the TCP connection and never starts the TLS handshake.
    SilentBeforeHandshake,
}

/// A server on 127.0.0.1 that stops accepting connections when dropped.
pub struct LoopbackServer {
    pub port: u16,
    task: JoinHandle<()>,
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn acceptor(leaf: Leaf) -> TlsAcceptor {
    let mut config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![leaf.certificate], PrivateKeyDer::Pkcs8(leaf.key))
        .expect("server certificate and key match");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    TlsAcceptor::from(Arc::new(config))
}

/// Starts an HTTPS server on 127.0.0.1 with `leaf` as its certificate.
pub async fn serve(leaf: Leaf, behaviour: Behaviour) -> LoopbackServer {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local address").port();
    let acceptor = acceptor(leaf);
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(handle(stream, acceptor.clone(), behaviour));
        }
    });
    LoopbackServer { port, task }
}

/// Serves one connection. A handshake that the client aborts ends it quietly, because most
/// tests cause that on purpose.
async fn handle(mut stream: TcpStream, acceptor: TlsAcceptor, behaviour: Behaviour) {
    if let Behaviour::SilentBeforeHandshake = behaviour {
        let _ = tokio::io::copy(&mut stream, &mut tokio::io::sink()).await;
        return;
    }
    let Ok(mut tls) = acceptor.accept(stream).await else {
        return;
    };
    match behaviour {
        Behaviour::Forward(backend) => {
            let Ok(mut backend) = TcpStream::connect(backend).await else {
                return;
            };
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut backend).await;
        }
        Behaviour::SilentAfterHandshake | Behaviour::SilentBeforeHandshake => {
            let _ = tokio::io::copy(&mut tls, &mut tokio::io::sink()).await;
        }
    }
}

/// Returns a loopback port with nothing listening on it.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.local_addr().expect("local address").port()
}
