public import Reloader

/// JSON Patch, RFC 6902: the `application/json-patch+json` body of a PATCH, with JSON Pointers per RFC 6901.
/// Called by kube-sim's patch handler. Pure.
public enum JSONPatch {
    /// Applies the operations in order to a copy of `target` and returns the result. RFC 6902 §5: if any
    /// operation fails, the whole patch fails; since `JSONValue` is a value, a thrown error leaves the caller's
    /// target exactly as it was.
    public static func apply(_ operations: JSONValue, to target: JSONValue) throws(PatchError) -> JSONValue {
        guard case .array(let elements) = operations else {
            throw .invalidDocument(patchType: "JSON Patch", reason: "must be an array of operations (RFC 6902 §3)")
        }
        var document = target
        for (index, element) in elements.enumerated() {
            let operation = try JSONPatchOperation(element, index: index)
            try apply(operation, to: &document)
        }
        return document
    }

    private static func apply(_ operation: JSONPatchOperation, to document: inout JSONValue) throws(PatchError) {
        let locator = JSONPatchLocator(operation: operation)
        switch operation.kind {
        case .add:
            try locator.add(operation.value ?? .null, at: operation.path, in: &document)
        case .remove:
            _ = try locator.remove(at: operation.path, in: &document)
        case .replace:
            // §4.3: "functionally identical to a remove operation for a value, followed immediately by an add
            // operation at the same location"; the target must exist.
            try locator.replace(at: operation.path, with: operation.value ?? .null, in: &document)
        case .move:
            let from = operation.from ?? operation.path
            guard !operation.path.isProperDescendant(of: from) else {
                throw .moveIntoDescendant(index: operation.index, from: from.text, path: operation.path.text)
            }
            if from.tokens == operation.path.tokens {  // moving a value onto itself changes nothing
                _ = try locator.value(at: from, in: document)
                return
            }
            // §4.4: "functionally identical to a remove operation on the from location, followed immediately by
            // an add operation at the target location with the value that was just removed".
            let value = try locator.remove(at: from, in: &document)
            try locator.add(value, at: operation.path, in: &document)
        case .copy:
            let value = try locator.value(at: operation.from ?? operation.path, in: document)
            try locator.add(value, at: operation.path, in: &document)
        case .test:
            let actual = try locator.value(at: operation.path, in: document)
            guard actual.isEqualForPatchTest(to: operation.value ?? .null) else {
                throw .testFailed(index: operation.index, path: operation.path.text)
            }
        }
    }
}
