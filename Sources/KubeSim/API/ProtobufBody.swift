import Foundation
public import Reloader

/// Reads the few protobuf request bodies kubectl sends. kubectl's typed clients (`kubectl create namespace`,
/// `create configmap`, `create secret generic`) POST `application/vnd.kubernetes.protobuf`: the `k8s\0` magic, then
/// a `runtime.Unknown` {typeMeta, raw} whose `raw` is the object in the field numbers of k8s.io/api's
/// generated.proto. kube-sim decodes Namespace, ConfigMap and Secret (the fields those commands set) into JSON;
/// any other kind answers 415 naming what it does read. Everything kubectl sends through its unstructured
/// client (`create -f`, `apply`, `patch`, `replace`, `label`) is JSON already. Pure.
enum ProtobufBody {
    indirect enum Field {
        case string, bytes, int64, bool, stringMap, bytesMap
        case repeatedString
        case message([Int: (String, Field)])
    }

    static let objectMeta: Field = .message([
        1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 5: ("uid", .string),
        6: ("resourceVersion", .string), 7: ("generation", .int64), 11: ("labels", .stringMap),
        12: ("annotations", .stringMap), 14: ("finalizers", .repeatedString),
    ])

    static let kinds: [String: Field] = [
        "Namespace": .message([
            1: ("metadata", objectMeta), 2: ("spec", .message([1: ("finalizers", .repeatedString)])),
        ]),
        "ConfigMap": .message([
            1: ("metadata", objectMeta), 2: ("data", .stringMap), 3: ("binaryData", .bytesMap), 4: ("immutable", .bool),
        ]),
        "Secret": .message([
            1: ("metadata", objectMeta), 2: ("data", .bytesMap), 3: ("type", .string), 4: ("stringData", .stringMap),
            5: ("immutable", .bool),
        ]),
    ]

    static func decode(_ body: [UInt8]) throws(APIError) -> JSONValue {
        guard body.count >= 4, Array(body[0..<4]) == [0x6B, 0x38, 0x73, 0x00] else {
            throw .badRequest("protobuf body without the k8s magic prefix")
        }
        var reader = WireReader(bytes: body, position: 4, end: body.count)
        var apiVersion = "", kind = ""
        var raw: (Int, Int)?
        while let (field, wire) = try reader.key() {
            switch (field, wire) {
            case (1, 2):
                var typeMeta = try reader.nested()
                while let (inner, innerWire) = try typeMeta.key() {
                    switch (inner, innerWire) {
                    case (1, 2): apiVersion = try typeMeta.string()
                    case (2, 2): kind = try typeMeta.string()
                    default: try typeMeta.skip(innerWire)
                    }
                }
            case (2, 2):
                let nested = try reader.nested()
                raw = (nested.position, nested.end)
            default: try reader.skip(wire)
            }
        }
        guard let schema = kinds[kind], let raw else {
            throw .unsupportedMediaType(
                "kube-sim reads protobuf bodies only for Namespace, ConfigMap and Secret, not \(kind); "
                    + "send application/json (e.g. `kubectl create -f` or `kubectl apply -f`)")
        }
        var object = try decodeMessage(schema, WireReader(bytes: body, position: raw.0, end: raw.1))
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        return object
    }

    private static func decodeMessage(_ schema: Field, _ reader: WireReader) throws(APIError) -> JSONValue {
        guard case .message(let fields) = schema else { return .null }
        var reader = reader
        var object: [String: JSONValue] = [:]
        while let (number, wire) = try reader.key() {
            guard let (name, field) = fields[number] else {
                try reader.skip(wire)
                continue
            }
            switch field {
            case .string: object[name] = .string(try reader.string())
            case .bytes: object[name] = .string(Data(try reader.lengthDelimited()).base64EncodedString())
            case .int64: object[name] = .number(String(Int64(bitPattern: try reader.varint())))
            case .bool: object[name] = .bool(try reader.varint() != 0)
            case .repeatedString:
                var list = object[name]?.arrayValue ?? []
                list.append(.string(try reader.string()))
                object[name] = .array(list)
            case .stringMap, .bytesMap:
                var entry = try reader.nested()
                var key = "", value = JSONValue.string("")
                while let (inner, innerWire) = try entry.key() {
                    switch inner {
                    case 1: key = try entry.string()
                    case 2:
                        if case .bytesMap = field {
                            value = .string(Data(try entry.lengthDelimited()).base64EncodedString())
                        } else {
                            value = .string(try entry.string())
                        }
                    default: try entry.skip(innerWire)
                    }
                }
                var map = object[name]?.objectValue ?? [:]
                map[key] = value
                object[name] = .object(map)
            case .message:
                object[name] = try decodeMessage(field, try reader.nested())
            }
        }
        return .object(object)
    }

    /// Protocol Buffers wire format (protobuf.dev/programming-guides/encoding) over a byte range.
    struct WireReader {
        let bytes: [UInt8]
        var position: Int
        let end: Int

        static let malformed = APIError.badRequest("malformed protobuf body")

        mutating func varint() throws(APIError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while position < end, shift < 64 {
                let byte = bytes[position]
                position += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            throw Self.malformed
        }

        /// The next field number and wire type, nil at the end.
        mutating func key() throws(APIError) -> (Int, Int)? {
            guard position < end else { return nil }
            let key = try varint()
            return (Int(key >> 3), Int(key & 7))
        }

        mutating func nested() throws(APIError) -> WireReader {
            let length = try varint()
            guard length <= UInt64(end - position) else { throw Self.malformed }
            let reader = WireReader(bytes: bytes, position: position, end: position + Int(length))
            position += Int(length)
            return reader
        }

        mutating func lengthDelimited() throws(APIError) -> [UInt8] {
            let nested = try nested()
            return Array(bytes[nested.position..<nested.end])
        }

        mutating func string() throws(APIError) -> String { String(decoding: try lengthDelimited(), as: UTF8.self) }

        mutating func skip(_ wire: Int) throws(APIError) {
            switch wire {
            case 0: _ = try varint()
            case 1: position += 8
            case 2: _ = try nested()
            case 5: position += 4
            default: throw Self.malformed
            }
            guard position <= end else { throw Self.malformed }
        }
    }
}
