/// Why kube-sim could not apply a PATCH body. Thrown by `MergePatch`'s siblings `JSONPatch` and
/// `StrategicMergePatch`; the HTTP layer turns it into a `Status` (kube-apiserver answers 422 for a patch that
/// does not apply and 400 for a malformed one). Every case names the operation or the field path involved.
/// Field paths read like kube-apiserver's field errors: `spec.template.spec.containers[1].env`.
public enum PatchError: Error, Equatable, CustomStringConvertible {
    /// The body is not the shape the patch type requires: a JSON Patch must be an array (RFC 6902 §3), a
    /// strategic merge patch an object.
    case invalidDocument(patchType: String, reason: String)
    /// One JSON Patch operation is not well formed (RFC 6902 §4): no `op`, an unknown `op`, no `path`, a missing
    /// `value` or `from`.
    case malformedOperation(index: Int, reason: String)
    /// A JSON Pointer that breaks RFC 6901 §3 (does not start with `/`, `~` not followed by `0` or `1`).
    case invalidPointer(index: Int, pointer: String, reason: String)
    /// The location an operation reads or writes does not exist (RFC 6902 §4.2, §4.3, §4.4, §4.6 "MUST exist";
    /// §4.1 "the target location's parent MUST exist").
    case pathNotFound(index: Int, op: String, path: String)
    /// An array reference token that is not an index usable here (RFC 6901 §4: no leading zeros; `-` names the
    /// element after the last, which only `add` can target; RFC 6902 §4.1: index past the end).
    case invalidArrayIndex(index: Int, op: String, path: String, reason: String)
    /// A `test` operation found a different value (RFC 6902 §4.6).
    case testFailed(index: Int, path: String)
    /// RFC 6902 §4.4: "The from location MUST NOT be a proper prefix of the path location".
    case moveIntoDescendant(index: Int, from: String, path: String)
    /// A strategic merge patch element of a list merged by key lacks that key.
    case missingMergeKey(path: String, key: String)
    /// A strategic merge patch element of a list merged by key is not an object.
    case invalidMergeListElement(path: String, key: String)
    /// `$patch` with a value other than `replace` or `delete` (the SMP doc: `merge` exists only in struct tags).
    case unknownPatchDirective(path: String, value: String)
    /// A strategic merge patch directive kube-sim does not implement (`$retainKeys`).
    case unsupportedDirective(path: String, directive: String)
    /// A directive whose value has the wrong shape (`$deleteFromPrimitiveList/x` must hold a list).
    case invalidDirectiveValue(path: String, directive: String, reason: String)

    public var description: String {
        switch self {
        case .invalidDocument(let patchType, let reason):
            "invalid \(patchType) document: \(reason)"
        case .malformedOperation(let index, let reason):
            "json patch operation \(index) is malformed: \(reason)"
        case .invalidPointer(let index, let pointer, let reason):
            "json patch operation \(index): invalid JSON pointer \"\(pointer)\": \(reason)"
        case .pathNotFound(let index, let op, let path):
            "json patch operation \(index) (\(op)): doc is missing path: \"\(path)\""
        case .invalidArrayIndex(let index, let op, let path, let reason):
            "json patch operation \(index) (\(op)): invalid array index in \"\(path)\": \(reason)"
        case .testFailed(let index, let path):
            "json patch operation \(index) (test): testing value \"\(path)\" failed"
        case .moveIntoDescendant(let index, let from, let path):
            "json patch operation \(index) (move): cannot move \"\(from)\" into its own child \"\(path)\""
        case .missingMergeKey(let path, let key):
            "\(Self.display(path)): map does not contain declared merge key: \(key)"
        case .invalidMergeListElement(let path, let key):
            "\(Self.display(path)): list merged by key \"\(key)\" holds a value that is not an object"
        case .unknownPatchDirective(let path, let value):
            "\(Self.display(path)): unknown patch type: \(value)"
        case .unsupportedDirective(let path, let directive):
            "\(Self.display(path)): strategic merge patch directive \(directive) is not supported"
        case .invalidDirectiveValue(let path, let directive, let reason):
            "\(Self.display(path)): invalid \(directive): \(reason)"
        }
    }

    private static func display(_ path: String) -> String { path.isEmpty ? "<root>" : path }
}
