import Reloader

extension StrategicMergePatch {
    /// Merges a patch list into a target list whose elements are matched on `key` (`patchMergeKey`). Patch
    /// elements that match a target element are merged into it in place; the rest are appended in patch order
    /// (what kube-apiserver does when no `$setElementOrder` is given). Directive elements:
    /// `{"$patch": "replace"}` makes the list exactly the other patch elements, and
    /// `{"$patch": "delete", <key>: v}` removes every target element whose key is `v` (SMP doc "delete
    /// Directive / List of Maps").
    func mergeList(
        _ patch: [JSONValue], into target: [JSONValue], key: String, at location: Location
    )
        throws(PatchError) -> JSONValue
    {
        var isReplace = false
        var deletedKeys: [JSONValue] = []
        var updates: [(keyValue: JSONValue, members: [String: JSONValue], index: Int)] = []
        for (index, element) in patch.enumerated() {
            let elementLocation = location.element(index)
            guard case .object(let members) = element else {
                throw .invalidMergeListElement(path: elementLocation.display, key: key)
            }
            if let directive = members["$patch"] {
                switch directive {
                case "replace":
                    isReplace = true
                case "delete":
                    guard let keyValue = members[key] else {
                        throw .missingMergeKey(path: elementLocation.display, key: key)
                    }
                    deletedKeys.append(keyValue)
                default:
                    throw .unknownPatchDirective(
                        path: elementLocation.display, value: directive.stringValue ?? directive.serializedString)
                }
                continue
            }
            guard let keyValue = members[key] else {
                throw .missingMergeKey(path: elementLocation.display, key: key)
            }
            updates.append((keyValue, members, index))
        }
        // SMP doc "replace Directive / List of Maps": the list is replaced, and "any further $patch operations
        // nested in this list will be ignored" — so deletions have nothing left to act on.
        var result = isReplace ? [] : target.filter { element in !deletedKeys.contains { element[key] == $0 } }
        for update in updates {
            let position = result.firstIndex { $0[key] == update.keyValue }
            let existing = position.flatMap { result[$0].objectValue }
            // `$patch` was handled above, so the element's own merge never deletes it.
            let merged =
                try mergeMap(update.members, into: existing, at: location.element(update.index)) ?? .object([:])
            if let position {
                result[position] = merged
            } else {
                result.append(merged)
            }
        }
        return .array(result)
    }

    /// A primitive list with `patchStrategy:"merge"` and no key is an unordered set (SMP doc "List of Primitives
    /// (Unordered Set)"): duplicates are dropped and the patch's new values follow the target's.
    func mergeSet(_ patch: [JSONValue], into target: [JSONValue]) -> [JSONValue] {
        var result: [JSONValue] = []
        for value in target + patch where !result.contains(value) {
            result.append(value)
        }
        return result
    }
}
