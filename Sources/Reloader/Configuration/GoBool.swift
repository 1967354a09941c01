/// Go's `strconv.ParseBool`, which pflag uses for boolean flags and Reloader for its boolean annotations and
/// string-typed boolean flags: exactly these twelve spellings, nothing else (no `yes`, no `on`). Pure.
public enum GoBool {
    public static let trueForms: Set<String> = ["1", "t", "T", "TRUE", "true", "True"]
    public static let falseForms: Set<String> = ["0", "f", "F", "FALSE", "false", "False"]
    /// For error messages.
    public static let expected = "a boolean: true, false, 1, 0, t, f, T, F, TRUE, FALSE, True or False"

    /// The value, or nil when `text` is not one of Go's forms.
    public static func parse(_ text: String) -> Bool? {
        if trueForms.contains(text) { return true }
        if falseForms.contains(text) { return false }
        return nil
    }
}
