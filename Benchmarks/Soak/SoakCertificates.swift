import Foundation
import Glibc

/// The replicas' serving certificates, as cert-manager would issue them: one CA (its certificate is the webhook
/// configuration's caBundle, so it never changes), and serving pairs for 127.0.0.1 signed by it, published into
/// the replicas' shared `--cert-dir` in the Kubernetes Secret-volume layout (`tls.crt -> ..data/tls.crt`, `..data`
/// a symlink to a versioned directory swapped with one rename(2), as kubelet's AtomicWriter does). `rotate()`
/// issues a new pair and swaps it in under load. Made with the openssl CLI; not thread-safe (the chaos loop owns it).
final class SoakCertificates {
    let directory: String
    /// The `--cert-dir` every replica reads.
    let servingDirectory: String
    var caPath: String { "\(directory)/ca.crt" }
    private var caKeyPath: String { "\(directory)/ca.key" }
    private(set) var version = 0

    init(directory: String) throws(SoakError) {
        self.directory = directory
        servingDirectory = "\(directory)/serving"
        do {
            try FileManager.default.createDirectory(atPath: servingDirectory, withIntermediateDirectories: true)
        } catch {
            throw .setup("cannot create \(servingDirectory): \(error)")
        }
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            caKeyPath, "-out", caPath, "-days", "2", "-subj", "/CN=soak-webhook-ca",
        ])
        try rotate()
    }

    /// Issues a new serving pair and publishes it with the `..data` swap.
    func rotate() throws(SoakError) {
        version += 1
        let staging = "\(directory)/issue-\(version)"
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            try
                "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:reloader.\(SoakLayout.leaseNamespace).svc\nextendedKeyUsage=serverAuth\n"
                .write(toFile: "\(staging)/ext.cnf", atomically: true, encoding: .utf8)
        } catch {
            throw .setup("cannot prepare \(staging): \(error)")
        }
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            "\(staging)/tls.key", "-out", "\(staging)/tls.csr", "-subj", "/CN=reloader-\(version)",
        ])
        try Self.openssl([
            "x509", "-req", "-in", "\(staging)/tls.csr", "-CA", caPath, "-CAkey", caKeyPath, "-CAcreateserial",
            "-out", "\(staging)/tls.crt", "-days", "2", "-extfile", "\(staging)/ext.cnf",
        ])
        try publish(from: staging)
    }

    private func publish(from staging: String) throws(SoakError) {
        let manager = FileManager.default
        let versioned = "..\(version)"
        let link = "\(servingDirectory)/..data_tmp"
        do {
            try? manager.removeItem(atPath: "\(servingDirectory)/\(versioned)")
            try manager.createDirectory(atPath: "\(servingDirectory)/\(versioned)", withIntermediateDirectories: true)
            for file in ["tls.crt", "tls.key"] {
                try manager.copyItem(atPath: "\(staging)/\(file)", toPath: "\(servingDirectory)/\(versioned)/\(file)")
            }
            try? manager.removeItem(atPath: link)
            try manager.createSymbolicLink(atPath: link, withDestinationPath: versioned)
        } catch {
            throw .setup("cannot publish serving pair \(version): \(error)")
        }
        guard rename(link, "\(servingDirectory)/..data") == 0 else {
            throw .setup("cannot swap ..data to \(versioned): errno \(errno)")
        }
        for file in ["tls.crt", "tls.key"] where !manager.fileExists(atPath: "\(servingDirectory)/\(file)") {
            do {
                try manager.createSymbolicLink(
                    atPath: "\(servingDirectory)/\(file)", withDestinationPath: "..data/\(file)")
            } catch {
                throw .setup("cannot link \(file): \(error)")
            }
        }
        if version > 2 { try? manager.removeItem(atPath: "\(servingDirectory)/..\(version - 2)") }
    }

    private static func openssl(_ arguments: [String]) throws(SoakError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .setup("cannot run openssl: \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .setup("openssl \(arguments.prefix(2).joined(separator: " ")) exited \(process.terminationStatus)")
        }
    }
}
