import Reloader

/// Reads and edits the locations one JSON Patch operation names, resolving JSON Pointers the way RFC 6901 §4
/// and RFC 6902 §4 require and turning each failure into a `PatchError` that names that operation. Used only by
/// `JSONPatch`. A pure value.
struct JSONPatchLocator {
    let operation: JSONPatchOperation

    private var opName: String { operation.kind.rawValue }

    /// The value at `pointer`, which must exist.
    func value(at pointer: JSONPointer, in document: JSONValue) throws(PatchError) -> JSONValue {
        var current = document
        for token in pointer.tokens {
            switch current {
            case .object(let members):
                guard let child = members[token] else { throw notFound(pointer) }
                current = child
            case .array(let elements):
                current = elements[try existingIndex(token, count: elements.count, pointer)]
            default:
                throw notFound(pointer)
            }
        }
        return current
    }

    /// RFC 6902 §4.1: an empty path replaces the document; otherwise the parent must exist, an object member is
    /// added or replaced, and an array element is inserted before the index (`-` appends, an index past the end
    /// is an error).
    func add(_ value: JSONValue, at pointer: JSONPointer, in document: inout JSONValue) throws(PatchError) {
        guard !pointer.tokens.isEmpty else {
            document = value
            return
        }
        try editParent(of: pointer, tokens: pointer.tokens[...], in: &document) { (parent, token) throws(PatchError) in
            switch parent {
            case .object(var members):
                members[token] = value
                parent = .object(members)
            case .array(var elements):
                let position: Int
                if token == "-" {
                    position = elements.count
                } else if let index = JSONPointer.arrayIndex(token) {
                    guard index <= elements.count else {
                        throw outOfBounds(pointer, "index \(index) is past the end of an array of \(elements.count)")
                    }
                    position = index
                } else {
                    throw outOfBounds(pointer, "\"\(token)\" is not an array index (RFC 6901 §4)")
                }
                elements.insert(value, at: position)
                parent = .array(elements)
            default:
                throw notFound(pointer)
            }
        }
    }

    /// RFC 6902 §4.2: the target must exist; removing an array element shifts the later ones left.
    func remove(at pointer: JSONPointer, in document: inout JSONValue) throws(PatchError) -> JSONValue {
        guard !pointer.tokens.isEmpty else {
            throw .malformedOperation(index: operation.index, reason: "\(opName) cannot remove the whole document")
        }
        var removed = JSONValue.null
        try editParent(of: pointer, tokens: pointer.tokens[...], in: &document) { (parent, token) throws(PatchError) in
            switch parent {
            case .object(var members):
                guard let value = members.removeValue(forKey: token) else { throw notFound(pointer) }
                removed = value
                parent = .object(members)
            case .array(var elements):
                removed = elements.remove(at: try existingIndex(token, count: elements.count, pointer))
                parent = .array(elements)
            default:
                throw notFound(pointer)
            }
        }
        return removed
    }

    /// RFC 6902 §4.3: the target must exist; an empty path replaces the document.
    func replace(at pointer: JSONPointer, with value: JSONValue, in document: inout JSONValue) throws(PatchError) {
        guard !pointer.tokens.isEmpty else {
            document = value
            return
        }
        try editParent(of: pointer, tokens: pointer.tokens[...], in: &document) { (parent, token) throws(PatchError) in
            switch parent {
            case .object(var members):
                guard members[token] != nil else { throw notFound(pointer) }
                members[token] = value
                parent = .object(members)
            case .array(var elements):
                elements[try existingIndex(token, count: elements.count, pointer)] = value
                parent = .array(elements)
            default:
                throw notFound(pointer)
            }
        }
    }

    /// Walks to the container holding the pointer's last token and lets `edit` change it in place; every
    /// container on the way must exist (RFC 6902 §4.1 "the target location's parent MUST exist").
    private func editParent(
        of pointer: JSONPointer, tokens: ArraySlice<String>, in value: inout JSONValue,
        _ edit: (inout JSONValue, String) throws(PatchError) -> Void
    ) throws(PatchError) {
        guard let token = tokens.first else { return }
        let rest = tokens.dropFirst()
        if rest.isEmpty {
            try edit(&value, token)
            return
        }
        switch value {
        case .object(var members):
            guard var child = members[token] else { throw notFound(pointer) }
            try editParent(of: pointer, tokens: rest, in: &child, edit)
            members[token] = child
            value = .object(members)
        case .array(var elements):
            let index = try existingIndex(token, count: elements.count, pointer)
            var child = elements[index]
            try editParent(of: pointer, tokens: rest, in: &child, edit)
            elements[index] = child
            value = .array(elements)
        default:
            throw notFound(pointer)
        }
    }

    /// An index of an element that exists. RFC 6901 §4: `-` names the (nonexistent) element after the last, so
    /// only `add` may use it; other tokens must be digits without leading zeros.
    private func existingIndex(_ token: String, count: Int, _ pointer: JSONPointer) throws(PatchError) -> Int {
        if token == "-" {
            throw outOfBounds(pointer, "\"-\" names the element after the last, which does not exist")
        }
        guard let index = JSONPointer.arrayIndex(token) else {
            throw outOfBounds(pointer, "\"\(token)\" is not an array index (RFC 6901 §4)")
        }
        guard index < count else {
            throw outOfBounds(pointer, "index \(index) is out of range for an array of \(count)")
        }
        return index
    }

    private func notFound(_ pointer: JSONPointer) -> PatchError {
        .pathNotFound(index: operation.index, op: opName, path: pointer.text)
    }

    private func outOfBounds(_ pointer: JSONPointer, _ reason: String) -> PatchError {
        .invalidArrayIndex(index: operation.index, op: opName, path: pointer.text, reason: reason)
    }
}
