import Foundation

/// Standard base64 (RFC 4648 §4, padded), as Kubernetes uses for Secret data and kubeconfig `*-data` fields.
public enum Base64 {
    /// nil when `text` is not valid padded base64.
    public static func decode(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { Array($0) }
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
