import Foundation
import Soak

// `make soak`: runs the soak with the options from the environment (SOAK_SECONDS and the others of
// `SoakOptions.fromEnvironment`) against the `reloader` built beside this executable (or `RELOADER_BIN`), prints
// the summary and exits 1 unless the oracle found zero missed and zero extra rollouts (2 if the run itself failed).
let environment = ProcessInfo.processInfo.environment
let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let reloader =
    environment["RELOADER_BIN"].flatMap { $0.isEmpty ? nil : $0 } ?? here.appendingPathComponent("reloader").path
let directory =
    environment["SOAK_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("soak-\(getpid())").path
// Ctrl-C or a SIGTERM abandons the run: the replicas go with it.
let signalSources = [SIGINT, SIGTERM].map { number in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler {
        SoakRun.killReplicas()
        exit(128 + number)
    }
    source.resume()
    return source
}
do {
    let options = try SoakOptions.fromEnvironment(environment, reloaderPath: reloader, directory: directory)
    guard FileManager.default.isExecutableFile(atPath: reloader) else {
        throw SoakError.setup("no reloader executable at \(reloader) (build it, or set RELOADER_BIN)")
    }
    let result = try SoakRun.run(options)
    print(result.summary)
    if result.passed && !options.keepDirectory {
        try? FileManager.default.removeItem(atPath: directory)
    } else {
        print("replica logs and the write log are in \(directory)")
    }
    exit(result.passed ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("soak: \(error)\nlogs in \(directory)\n".utf8))
    exit(2)
}
