import Foundation

/// Makes kube-sim's own CA and a serving certificate for 127.0.0.1, ::1 and localhost with the openssl CLI
/// (`/usr/bin/openssl`, or the first `openssl` on PATH). EC P-256, valid 30 days.
enum SelfSignedAuthority {
    struct Pair {
        var caPath: String
        var certificatePath: String
        var keyPath: String
    }

    static func generate(in directory: String) throws(KubeSimError) -> Pair {
        let pair = Pair(
            caPath: "\(directory)/ca.crt", certificatePath: "\(directory)/tls.crt", keyPath: "\(directory)/tls.key")
        let caKey = "\(directory)/ca.key", csr = "\(directory)/tls.csr", ext = "\(directory)/tls.ext"
        do {
            try "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                .write(toFile: ext, atomically: true, encoding: .utf8)
        } catch {
            throw .certificates("cannot write \(ext): \(error)")
        }
        try run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", caKey,
            "-out", pair.caPath, "-days", "30", "-subj", "/CN=kube-sim-ca",
        ])
        try run([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", pair.keyPath,
            "-out", csr, "-subj", "/CN=kube-sim",
        ])
        try run([
            "x509", "-req", "-in", csr, "-CA", pair.caPath, "-CAkey", caKey, "-CAcreateserial", "-out",
            pair.certificatePath, "-days", "30", "-extfile", ext,
        ])
        return pair
    }

    private static func run(_ arguments: [String]) throws(KubeSimError) {
        let process = Process()
        let candidates = ["/usr/bin/openssl", "/usr/local/bin/openssl"]
        if let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["openssl"] + arguments
        }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .certificates("cannot run openssl: \(error)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .certificates(
                "openssl \(arguments.prefix(2).joined(separator: " ")) failed: "
                    + String(decoding: message, as: UTF8.self))
        }
    }
}
