public import Reloader

/// Kubernetes strategic merge patch: the `application/strategic-merge-patch+json` body `kubectl patch` and
/// client-side `kubectl apply` send. It is RFC 7386 merge patch, except that lists the schema names merge
/// element by element and a few `$` directives steer the merge (kubernetes/community
/// `contributors/devel/sig-api-machinery/strategic-merge-patch.md`, "the SMP doc" below). Called by kube-sim's
/// patch handler. Pure.
///
/// Directives: `$patch: replace` and `$patch: delete` on maps and in merged lists,
/// `$deleteFromPrimitiveList/<list>` are implemented. `$setElementOrder/<list>` is accepted and ignored: it only
/// reorders, so merged lists keep the target's order with new elements appended. `$retainKeys` is refused with
/// `PatchError.unsupportedDirective`, since clearing fields it does not list needs the union-type knowledge
/// kube-sim does not model.
public struct StrategicMergePatch {
    private let schema: StrategicMergeSchema

    /// Applies `patch`, which must be a JSON object, to `target`. Any error leaves `target` unchanged (it is a
    /// value and only the returned copy is edited).
    public static func apply(
        _ patch: JSONValue, to target: JSONValue, schema: StrategicMergeSchema
    )
        throws(PatchError) -> JSONValue
    {
        guard case .object(let members) = patch else {
            throw .invalidDocument(patchType: "strategic merge patch", reason: "must be a JSON object")
        }
        // A `$patch: delete` at the root deletes everything; kube-apiserver's merge then yields `{}` too.
        return try StrategicMergePatch(schema: schema).mergeMap(members, into: target.objectValue, at: Location())
            ?? .object([:])
    }

    /// Where the merge is: the schema path (field names, array levels skipped) and a display path for errors.
    struct Location {
        var fields: [String] = []
        var display = ""

        func field(_ name: String) -> Location {
            Location(fields: fields + [name], display: display.isEmpty ? name : "\(display).\(name)")
        }

        func element(_ index: Int) -> Location {
            Location(fields: fields, display: "\(display)[\(index)]")
        }
    }

    private static let patchDirective = "$patch"
    private static let retainKeysDirective = "$retainKeys"
    private static let setElementOrderPrefix = "$setElementOrder/"
    private static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

    /// Merges a patch map into the target map (nil when the target has no map here). Returns nil when the patch
    /// deletes the map (`$patch: delete`, SMP doc "delete Directive / Maps").
    func mergeMap(
        _ patch: [String: JSONValue], into target: [String: JSONValue]?, at location: Location
    )
        throws(PatchError) -> JSONValue?
    {
        if let directive = patch[Self.patchDirective] {
            var rest = patch
            rest[Self.patchDirective] = nil
            switch directive {
            case "delete":
                return nil
            case "replace":
                // SMP doc "replace Directive / Map": the map is taken literally instead of merged. It is still
                // merged into nothing, so nested nulls and directives do not reach the stored object.
                return try mergeMap(rest, into: nil, at: location)
            default:
                throw .unknownPatchDirective(
                    path: location.display, value: directive.stringValue ?? directive.serializedString)
            }
        }
        if patch[Self.retainKeysDirective] != nil {
            throw .unsupportedDirective(path: location.display, directive: Self.retainKeysDirective)
        }
        var result = target ?? [:]
        // Deletions from primitive lists go first, so that a patch which both deletes and adds a finalizer ends
        // with the added one present.
        for (key, value) in patch where key.hasPrefix(Self.deleteFromPrimitiveListPrefix) {
            let listName = String(key.dropFirst(Self.deleteFromPrimitiveListPrefix.count))
            result[listName] = try deleteFromPrimitiveList(value, in: result[listName], key: key, at: location)
        }
        // Sorted so that, of several bad fields, the same one is always reported.
        for key in patch.keys.sorted() {
            guard !key.hasPrefix(Self.setElementOrderPrefix), !key.hasPrefix(Self.deleteFromPrimitiveListPrefix),
                let value = patch[key]
            else { continue }
            if value == .null {
                result[key] = nil  // RFC 7386 §2: null removes the member
            } else {
                result[key] = try mergeValue(value, into: result[key], at: location.field(key))
            }
        }
        return .object(result)
    }

    /// Merges one patch value into the target's value at the same place (nil when absent).
    func mergeValue(
        _ patch: JSONValue, into target: JSONValue?, at location: Location
    ) throws(PatchError)
        -> JSONValue?
    {
        switch patch {
        case .object(let members):
            // A target that is not a map is replaced, as in RFC 7386 §2 ("Target = {}").
            return try mergeMap(members, into: target?.objectValue, at: location)
        case .array(let elements):
            switch schema.strategy(at: location.fields) {
            case .mergeByKey(let key):
                return try mergeList(elements, into: target?.arrayValue ?? [], key: key, at: location)
            case .set:
                return .array(mergeSet(elements, into: target?.arrayValue ?? []))
            case nil:
                return patch  // SMP doc: "Replace is the default patch strategy for list"
            }
        default:
            return patch
        }
    }

    /// `$deleteFromPrimitiveList/<list>: [values]` removes every occurrence of those values from the target list
    /// (SMP doc "deleteFromPrimitiveList Directive"; "Deleting an item that has duplicates will delete all
    /// matching items"). A list that is absent stays absent.
    private func deleteFromPrimitiveList(
        _ values: JSONValue, in target: JSONValue?, key: String, at location: Location
    ) throws(PatchError) -> JSONValue? {
        guard case .array(let doomed) = values else {
            throw .invalidDirectiveValue(path: location.display, directive: key, reason: "must be a list")
        }
        guard let target else { return nil }
        guard case .array(let elements) = target else {
            throw .invalidDirectiveValue(path: location.display, directive: key, reason: "the target is not a list")
        }
        return .array(elements.filter { !doomed.contains($0) })
    }
}
