/// The env var the env-vars strategy writes (contract §5.1): `STAKATER_` + envName(config name) + `_` + TYPE.
/// envName follows Reloader's `util.ConvertToEnvVarName` byte for byte, so names match Reloader's exactly. Pure.
public enum EnvVarName {
    public static let prefix = "STAKATER_"

    /// `STAKATER_MY_CONFIG_CONFIGMAP` for ConfigMap `my-config`.
    public static func forConfig(named name: String, kind: ConfigKind) -> String {
        prefix + envName(name) + "_" + kind.typeName
    }

    /// Upper-cases, keeps `A-Z0-9`, and turns each run of other bytes into one `_`, but only after a kept byte:
    /// leading junk disappears and a trailing run leaves a trailing `_`.
    public static func envName(_ name: String) -> String {
        var out: [UInt8] = []
        var lastKept = false
        for byte in name.utf8 {
            let upper = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) ? byte - 32 : byte
            if (upper >= UInt8(ascii: "A") && upper <= UInt8(ascii: "Z"))
                || (upper >= UInt8(ascii: "0") && upper <= UInt8(ascii: "9"))
            {
                out.append(upper)
                lastKept = true
            } else {
                if lastKept { out.append(UInt8(ascii: "_")) }
                lastKept = false
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
