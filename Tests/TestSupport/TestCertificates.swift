import Foundation

/// A throwaway CA and serving pair for 127.0.0.1/localhost, generated with the openssl CLI when a test runs
/// (never committed: certificates expire).
public struct TestCertificates: Sendable {
    public let caPath: String
    public let certificatePath: String
    public let keyPath: String

    /// Writes ca.crt, ca.key, tls.crt and tls.key into `directory` (names can be prefixed to make a second pair).
    public static func generate(
        in directory: String, prefix: String = "", commonName: String = "reloader-test"
    )
        throws -> TestCertificates
    {
        let ca = "\(directory)/\(prefix)ca.crt", caKey = "\(directory)/\(prefix)ca.key"
        let cert = "\(directory)/\(prefix)tls.crt", key = "\(directory)/\(prefix)tls.key"
        let csr = "\(directory)/\(prefix)tls.csr", ext = "\(directory)/\(prefix)ext.cnf"
        let openssl = "/usr/bin/openssl"
        try ProcessRunner.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey, "-out", ca, "-days", "2", "-subj", "/CN=\(commonName)-ca",
            ])
        try ProcessRunner.run(
            openssl,
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", csr, "-subj", "/CN=\(commonName)",
            ])
        try "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            .write(toFile: ext, atomically: true, encoding: .utf8)
        try ProcessRunner.run(
            openssl,
            [
                "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", cert,
                "-days", "2", "-extfile", ext,
            ])
        return TestCertificates(caPath: ca, certificatePath: cert, keyPath: key)
    }
}
