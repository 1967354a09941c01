public import Reloader

/// JSON Merge Patch, RFC 7386 (republished unchanged in substance as RFC 7396): the `application/merge-patch+json`
/// body of a PATCH. Called by kube-sim's patch handler; `StrategicMergePatch` builds on the same rules. Pure.
public enum MergePatch {
    /// Applies `patch` to `target` with the `MergePatch(Target, Patch)` function of RFC 7386 §2: an object patch
    /// merges member by member, `null` removes a member, and any other patch value (array, string, number,
    /// `null` at the top) replaces the target whole. Merge patch cannot fail, so this does not throw.
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        // "If Target is not an Object: Target = {}" — the target's contents are ignored, not merged.
        var members = target.objectValue ?? [:]
        for (name, value) in patchMembers {
            if value == .null {
                members[name] = nil
            } else {
                // A member absent from the target is patched against nothing, which strips nested nulls
                // (RFC 7386 Appendix A: `{}` + `{"a":{"bb":{"ccc":null}}}` gives `{"a":{"bb":{}}}`).
                members[name] = apply(value, to: members[name] ?? .null)
            }
        }
        return .object(members)
    }
}
