import Foundation
import Reloader
import TestSupport
import Testing

/// How the `reloader` executable refuses bad command lines: flag errors exit 2, unusable certificates exit 1,
/// and each message names what was wrong.
@Suite("reloader command line")
struct CommandLineTests {
    @Test("an unknown flag exits 2 naming the flag")
    func unknownFlag() async throws {
        let result = try await runReloaderToExit(portZero + ["--no-such-flag=1"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("no-such-flag"), "stderr: \(result.stderr)")
    }

    @Test("--shutdown-grace-period=abc exits 2 naming the flag")
    func badGracePeriod() async throws {
        let result = try await runReloaderToExit(portZero + ["--shutdown-grace-period=abc"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("shutdown-grace-period"), "stderr: \(result.stderr)")
    }

    @Test("missing certificate files exit 1 naming the path")
    func missingCertificateFiles() async throws {
        let directory = try TemporaryDirectory("missing-certs")
        defer { directory.remove() }
        let certificate = directory.file("absent.crt")
        let result = try await runReloaderToExit(
            portZero + ["--tls-cert-file", certificate, "--tls-private-key-file", directory.file("absent.key")])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(certificate), "stderr: \(result.stderr)")
    }

    @Test("a --cert-dir without tls.crt exits 1 naming the expected file")
    func emptyCertificateDirectory() async throws {
        let directory = try TemporaryDirectory("empty-cert-dir")
        defer { directory.remove() }
        let result = try await runReloaderToExit(portZero + ["--cert-dir", directory.path])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(directory.file("tls.crt")), "stderr: \(result.stderr)")
    }

    @Test(
        "bad Reloader flag values exit 2 naming the flag",
        arguments: [
            ("--reload-strategy=foo", "--reload-strategy=foo is not valid"),
            ("--auto-reload-all=maybe", "--auto-reload-all=maybe is not valid"),
            (
                "--resources-to-ignore=configmaps,secrets",
                "--resources-to-ignore: accepts configmaps or secrets, not both"
            ),
            ("--ignored-workload-types=deployments", "--ignored-workload-types=deployments is not valid"),
            ("--namespace-selector=tier in (web", "--namespace-selector=tier in (web is not valid"),
            ("-auto-reload-all", "write --auto-reload-all"),
            ("--enable-ha", "--enable-ha needs the environment variable POD_NAME"),
        ])
    func badReloaderFlag(argument: String, message: String) async throws {
        let result = try await runReloaderToExit(portZero + [argument])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test("--enable-ha false with a space exits 2: pflag would have set true")
    func separateBooleanValue() async throws {
        let result = try await runReloaderToExit(portZero + ["--enable-ha", "false"])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("write --enable-ha=false"), "stderr: \(result.stderr)")
    }

    @Test("--help lists every contract flag with its help text and default, and exits 0")
    func helpListsEveryFlag() throws {
        let result = try ProcessRunner.run(try ReloaderProcess.executablePath(), ["--help"], check: false)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        for flag in ConfigurationFlag.allCases {
            let listed = result.stdout.contains("--\(flag.name) ") || result.stdout.contains("--\(flag.name),")
            #expect(listed, "--help lacks --\(flag.name)")
            for alias in flag.aliases { #expect(result.stdout.contains("--\(alias)"), "--help lacks --\(alias)") }
        }
        // The README's flag tables are generated from the same cases (ConfigurationFlagReferenceTests); here the
        // help text itself, re-wrapped by ArgumentParser, must be there for every flag.
        let words = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for flag in ConfigurationFlag.allCases {
            let help = flag.helpText.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(words.contains(help), "--help of --\(flag.name) is not \"\(help)\"")
        }
    }

    @Test("a Reloader Helm chart argument list starts the server with nothing left unacted on")
    func helmChartArguments() async throws {
        let process = try await ReloaderProcess.start([
            "--reload-strategy=annotations", "--auto-reload-all=true", "--namespaces-to-ignore=kube-system",
            "--is-Argo-Rollouts=false", "--log-format=json", "--resources-to-ignore=secrets",
            "--ignored-workload-types=jobs,cronjobs", "--namespace-selector=\"team=a,env=prod\"",
            "--resource-label-selector=reloader=enabled", "--enable-pprof", "--pprof-addr=127.0.0.1:0",
            "--enable-csi-integration=true", "--configmap-annotation", "example.com/reload",
            "--reload-on-create=true", "--reload-on-delete", "true", "--sync-after-restart=true",
            "--log-level=info",
        ])
        defer { process.cleanup() }
        #expect(process.isRunning)
        #expect(process.stderr.contains("\"msg\":\"serving\""), "stderr: \(process.stderr)")
        // Every flag of this list is acted on now (pprof included), so there is nothing to warn about.
        #expect(
            !process.stderr.contains("flags accepted for compatibility but not acted on"), "stderr: \(process.stderr)")
        #expect(process.stderr.contains("\"debug\":\"http://127.0.0.1:"), "--enable-pprof serves: \(process.stderr)")
    }

    /// Listeners on ephemeral ports, so a process that wrongly starts cannot collide with anything.
    private var portZero: [String] { ["--webhook-address", "127.0.0.1:0", "--metrics-address", "127.0.0.1:0"] }
}
