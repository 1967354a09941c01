import Reloader

/// One validated RFC 6902 operation, read from one element of a JSON Patch array by `JSONPatch`. A pure value.
struct JSONPatchOperation {
    enum Kind: String {
        case add, remove, replace, move, copy, test
    }

    /// The operation's position in the patch array, for error messages.
    let index: Int
    let kind: Kind
    let path: JSONPointer
    /// `from` of `move` and `copy`.
    let from: JSONPointer?
    /// `value` of `add`, `replace` and `test`; an explicit `null` is a value (RFC 6902 §4.1 "the value to add").
    let value: JSONValue?

    /// Checks the members RFC 6902 §4 requires. Members an operation does not define are ignored, as §4 says
    /// they MUST be (Appendix A.11).
    init(_ element: JSONValue, index: Int) throws(PatchError) {
        self.index = index
        guard case .object(let members) = element else {
            throw .malformedOperation(index: index, reason: "an operation must be a JSON object")
        }
        guard let opValue = members["op"] else {
            throw .malformedOperation(index: index, reason: "missing \"op\"")
        }
        guard let opName = opValue.stringValue, let kind = Kind(rawValue: opName) else {
            throw .malformedOperation(
                index: index,
                reason: "unknown op \(opValue.serializedString); expected add, remove, replace, move, copy or test")
        }
        self.kind = kind
        path = try Self.pointer(members, "path", index: index)
        switch kind {
        case .add, .replace, .test:
            guard let value = members["value"] else {
                throw .malformedOperation(index: index, reason: "\(kind.rawValue) requires \"value\"")
            }
            self.value = value
            from = nil
        case .move, .copy:
            from = try Self.pointer(members, "from", index: index)
            value = nil
        case .remove:
            from = nil
            value = nil
        }
    }

    private static func pointer(
        _ members: [String: JSONValue], _ name: String, index: Int
    ) throws(PatchError)
        -> JSONPointer
    {
        guard let member = members[name] else {
            throw .malformedOperation(index: index, reason: "missing \"\(name)\"")
        }
        guard let text = member.stringValue else {
            throw .malformedOperation(index: index, reason: "\"\(name)\" must be a string")
        }
        do {
            return try JSONPointer(text)
        } catch {
            throw .invalidPointer(index: index, pointer: text, reason: error.reason)
        }
    }
}
