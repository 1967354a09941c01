/// Failures of the TLS layer, with OpenSSL's own reason text.
public enum TLSError: Error, Equatable, CustomStringConvertible {
    case contextCreationFailed(reason: String)
    case invalidCertificate(path: String, reason: String)
    case invalidPrivateKey(path: String, reason: String)
    case keyDoesNotMatchCertificate(certificatePath: String, keyPath: String)
    case unreadableFile(path: String, reason: String)
    case connectionSetupFailed(reason: String)

    public var description: String {
        switch self {
        case .contextCreationFailed(let reason): "cannot create TLS context: \(reason)"
        case .invalidCertificate(let path, let reason): "certificate \(path) rejected: \(reason)"
        case .invalidPrivateKey(let path, let reason): "private key \(path) rejected: \(reason)"
        case .keyDoesNotMatchCertificate(let certificatePath, let keyPath):
            "private key \(keyPath) does not match certificate \(certificatePath)"
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .connectionSetupFailed(let reason): "cannot set up TLS connection: \(reason)"
        }
    }
}
