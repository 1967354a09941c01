internal import CCurl
import Synchronization

/// `HTTPTransport` on libcurl easy handles. Keeps a small pool of idle handles so that consecutive requests reuse
/// a handle's open connection (HTTP/1.1 keep-alive, or one HTTP/2 connection when the server offers h2 by ALPN).
/// A handle is taken out of the pool for the length of one request, so each is used by one thread at a time as
/// libcurl requires; when the pool is empty a new handle is made, and at most `maximumIdleHandles` are kept.
///
/// Thread-safe: the only shared state is the pool, behind one `Mutex` (held for a push or a pop, never during I/O).
public final class CurlTransport: HTTPTransport {
    /// A handle on its way into or out of the pool. The pool gives each handle to exactly one caller at a time,
    /// which is the one-thread-at-a-time rule libcurl sets for easy handles.
    private struct PooledHandle: @unchecked Sendable { let handle: CurlEasyHandle }

    private let pool = Mutex<[PooledHandle]>([])
    private let maximumIdleHandles: Int
    private let maximumResponseBytes: Int
    private let userAgent: String

    /// `curl_global_init` must run once per process before any other thread calls libcurl (libcurl's
    /// documentation: it is not thread-safe in builds without CURL_VERSION_THREADSAFE). The executable calls
    /// `initializeLibrary()` at the top of `main`, before starting threads; the initializer also calls it, guarded
    /// here so a second call is a no-op, which is enough for tests and the 7.84+ thread-safe builds.
    public static func initializeLibrary() {
        libraryInitialized.withLock { initialized in
            guard !initialized else { return }
            _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
            initialized = true
        }
    }

    private static let libraryInitialized = Mutex(false)

    /// - Parameters:
    ///   - maximumIdleHandles: handles (hence connections) kept open between requests; about the number of threads
    ///     that send requests at once.
    ///   - maximumResponseBytes: a larger body fails the request (a LIST page of 500 big objects fits easily).
    public init(
        maximumIdleHandles: Int = 4, maximumResponseBytes: Int = 256 << 20,
        userAgent: String = "reloader/\(ReloaderVersion.string)"
    ) {
        Self.initializeLibrary()
        self.maximumIdleHandles = maximumIdleHandles
        self.maximumResponseBytes = maximumResponseBytes
        self.userAgent = userAgent
    }

    public func send(_ request: TransportRequest) -> Result<TransportResponse, TransportError> {
        let pooled = pool.withLock { $0.popLast() }
        guard let handle = pooled?.handle ?? CurlEasyHandle() else {
            return .failure(TransportError(kind: .other, url: request.url, detail: "curl_easy_init failed"))
        }
        let result = handle.perform(request, userAgent: userAgent, maximumResponseBytes: maximumResponseBytes)
        let returning = PooledHandle(handle: handle)
        pool.withLock { idle in
            // Past the bound the handle is dropped here and its deinit closes its connections.
            if idle.count < maximumIdleHandles { idle.append(returning) }
        }
        return result
    }

    /// Idle handles in the pool (for tests of reuse).
    var idleHandleCount: Int { pool.withLock { $0.count } }
}
