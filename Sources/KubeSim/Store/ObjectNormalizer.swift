import Foundation
public import Reloader

/// What kube-apiserver does to every object it is asked to store, before admission: type metadata set and
/// checked, namespace taken from the URL, Secret `stringData` folded into `data`, names validated. Pure.
public enum ObjectNormalizer {
    public static func normalize(
        _ body: JSONValue, for resource: ResourceType, namespace: String?
    ) throws(APIError) -> JSONValue {
        guard case .object = body else { throw .badRequest("the body of the request was not a JSON object") }
        var object = body
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != resource.kind {
            throw .badRequest(
                "the kind of the object (\(kind)) does not match the kind of the resource (\(resource.kind))")
        }
        if let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty,
            apiVersion != resource.apiVersion
        {
            throw .badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version "
                    + "(\(resource.apiVersion))")
        }
        object["apiVersion"] = .string(resource.apiVersion)
        object["kind"] = .string(resource.kind)
        if object["metadata"]?.objectValue == nil { object["metadata"] = [:] }
        if resource.isNamespaced {
            let sent = object[at: ["metadata", "namespace"]]?.stringValue ?? ""
            if let namespace, !sent.isEmpty, sent != namespace {
                throw .badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let effective = namespace ?? (sent.isEmpty ? nil : sent) else {
                throw .badRequest("a namespaced \(resource.kind) needs a namespace in the URL")
            }
            object[at: ["metadata", "namespace"]] = .string(effective)
        } else {
            object[at: ["metadata", "namespace"]] = nil
        }
        object[at: ["metadata", "managedFields"]] = nil
        if resource.kind == "Secret", resource.group.isEmpty { object = try foldStringData(object) }
        return object
    }

    /// `stringData` is write-only: each key is base64-encoded into `data` (overriding it), then dropped.
    static func foldStringData(_ secret: JSONValue) throws(APIError) -> JSONValue {
        var secret = secret
        guard let stringData = secret["stringData"] else { return secret }
        secret["stringData"] = nil
        if stringData == .null { return secret }
        guard let map = stringData.stringMapValue else {
            throw .badRequest("Secret stringData must be a map of strings")
        }
        var data = secret["data"]?.objectValue ?? [:]
        for (key, value) in map { data[key] = .string(Data(value.utf8).base64EncodedString()) }
        secret["data"] = .object(data)
        return secret
    }

    /// Objects with a spec get `metadata.generation` (Namespaces do not, as in kube-apiserver).
    static func hasGeneration(_ object: JSONValue, _ resource: ResourceType) -> Bool {
        object["spec"] != nil && resource.kind != "Namespace"
    }

    /// DNS-1123 subdomain (RFC 1123): what most kinds require of `metadata.name`.
    static func validateName(_ name: String, for resource: ResourceType) throws(APIError) {
        guard !name.isEmpty else {
            throw .invalid(resource, "", "metadata.name: Required value: name or generateName is required")
        }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        guard allowed, name.utf8.count <= 253, let first = name.utf8.first, let last = name.utf8.last,
            first != UInt8(ascii: "-"), first != UInt8(ascii: "."), last != UInt8(ascii: "-"), last != UInt8(ascii: ".")
        else {
            throw .invalid(
                resource, name,
                "metadata.name: Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case "
                    + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
        }
    }

    /// The 5-character suffix of `generateName`, from the alphabet k8s.io/apimachinery/pkg/util/rand uses
    /// (no vowels, no look-alikes).
    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }
}
