import Foundation
public import Reloader

/// The `continue` token of a paged list, in kube-apiserver's format (k8s.io/apiserver/pkg/storage/continue.go):
/// unpadded base64url of `{"v":"meta.k8s.io/v1","rv":<list resourceVersion>,"start":"<last key>\u0000"}`.
/// A pure value.
public struct ContinueToken: Sendable, Equatable {
    /// The resourceVersion of the list the first page was taken from.
    public var resourceVersion: Int
    /// Items whose key sorts at or after this one come next.
    public var start: String

    public init(resourceVersion: Int, start: String) {
        self.resourceVersion = resourceVersion
        self.start = start
    }

    /// The token for the page after `lastKey`.
    public init(resourceVersion: Int, after lastKey: String) {
        self.init(resourceVersion: resourceVersion, start: lastKey + "\u{0}")
    }

    public var encoded: String {
        let json: JSONValue = [
            "v": "meta.k8s.io/v1", "rv": .number(String(resourceVersion)), "start": .string(start),
        ]
        return Data(json.serialized()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init(decoding text: String) throws(APIError) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let invalid = APIError.badRequest("continue key is not valid: \(text.prefix(64))")
        guard let data = Data(base64Encoded: base64), let json = try? JSONValue.parse(Array(data)),
            json["v"]?.stringValue == "meta.k8s.io/v1", let resourceVersion = json["rv"]?.intValue,
            let start = json["start"]?.stringValue
        else { throw invalid }
        self.init(resourceVersion: resourceVersion, start: start)
    }
}
