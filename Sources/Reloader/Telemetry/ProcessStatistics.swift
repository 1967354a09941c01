import Foundation
import Glibc

/// A snapshot of this process's resource use for the debug endpoints (`--enable-pprof`): what Go's `expvar`
/// memstats and pprof's goroutine count give a Reloader user, in the terms a Swift process has — resident, peak and
/// anonymous (heap-like) memory, threads (with their names: Dispatch queues name theirs), open descriptors and CPU
/// time. Read from `/proc/self` and the C library on demand, never cached. A plain value; `read()` is thread-safe.
public struct ProcessStatistics: Sendable, Hashable {
    public struct Thread: Sendable, Hashable {
        public var id: Int
        public var name: String
        /// The kernel's one-letter state: R running, S sleeping, D uninterruptible, Z zombie, ...
        public var state: String
    }

    public var residentBytes: Int
    public var peakResidentBytes: Int
    /// Resident anonymous memory (`RssAnon`): the heap and stacks, without the mapped binary and libraries.
    /// (glibc's `mallinfo2` would be finer, but Swift's Glibc module does not import malloc.h.)
    public var anonymousResidentBytes: Int
    public var openDescriptors: Int
    public var userCPUSeconds: Double
    public var systemCPUSeconds: Double
    public var threads: [Thread]

    /// Reads the current figures. A figure the system does not give is 0 (or no threads), never an error: these
    /// endpoints are for looking, not for decisions.
    public static func read() -> ProcessStatistics {
        let status = Self.text("/proc/self/status")
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return ProcessStatistics(
            residentBytes: Self.kibField("VmRSS", in: status) * 1024,
            peakResidentBytes: Self.kibField("VmHWM", in: status) * 1024,
            anonymousResidentBytes: Self.kibField("RssAnon", in: status) * 1024,
            openDescriptors: Self.entries("/proc/self/fd").count,
            userCPUSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemCPUSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            threads: Self.threads())
    }

    /// `Name:\t12345 kB` from /proc/self/status, in KiB.
    static func kibField(_ name: String, in status: String) -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
            return Int(number) ?? 0
        }
        return 0
    }

    private static func threads() -> [Thread] {
        Self.entries("/proc/self/task").compactMap { entry -> Thread? in
            guard let id = Int(entry) else { return nil }
            let name = Self.text("/proc/self/task/\(entry)/comm").trimmingCharacters(in: .newlines)
            let status = Self.text("/proc/self/task/\(entry)/status")
            let state =
                status.split(separator: "\n").first { $0.hasPrefix("State:") }
                .map { String($0.dropFirst("State:".count).trimmingCharacters(in: .whitespaces).prefix(1)) } ?? "?"
            return Thread(id: id, name: name, state: state)
        }
        .sorted { $0.id < $1.id }
    }

    private static func entries(_ directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// The whole file: /proc files report size 0, so read to EOF (Foundation's String(contentsOfFile:) stops at
    /// 4 KiB on some of them).
    private static func text(_ path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
