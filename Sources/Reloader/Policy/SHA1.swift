internal import COpenSSL

/// SHA-1, only for Reloader's content hash (contract §3), which must be byte-identical to Reloader's so a switch
/// from it causes no rollout. Not used for anything security-sensitive. Pure: a function of its input.
///
/// Computed by OpenSSL's `EVP_Digest` rather than in Swift: a review of a large Secret hashes its old and new
/// content (5.4 MiB for the benchmark's 2.7 MiB Secret), and the Swift implementation this replaced ran at about a
/// tenth of OpenSSL's speed, which made hashing most of the admission time for large bodies (`make bench`, 1m row).
/// The one place in Policy that calls C; no pointer leaves this file.
enum SHA1 {
    /// The 20-byte digest of `message`.
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let succeeded = message.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha1(), nil) == 1
            }
        }
        // EVP_Digest with the built-in SHA-1 fails only on allocation failure; SHA-1 is in every OpenSSL build
        // (and not subject to FIPS-provider restrictions for non-security use like this one).
        precondition(succeeded && length == 20, "OpenSSL EVP_Digest(SHA-1) failed")
        return Array(digest.prefix(20))
    }

    /// The digest as 40 lowercase hex digits, as Reloader's `crypto.GenerateSHA` prints it.
    static func hexDigest(_ message: [UInt8]) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(40)
        for byte in digest(message) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
