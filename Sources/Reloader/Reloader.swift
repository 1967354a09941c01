/// The reloader library's version, reported in `User-Agent` and build info.
public enum ReloaderVersion {
    public static let string = "0.1.0"
}
