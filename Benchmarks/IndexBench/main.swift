// index-bench: the reverse index at 10,000 and 100,000 workloads with 3 references each (issue 5, Benchmarks).
//
//   index-bench                      runs each size in a child process (clean RSS) and prints one markdown table
//   index-bench --workloads N        one size, one table row (what the children run)
//
// Workloads are synthesised in-process: Deployments shaped like ../shared/fixtures/lists/deployments-list.json
// (managedFields, labels, a container with resources and probes, status; about 2.7 KiB each), each using exactly 3
// configs of its namespace, one reference style each from {volume, projected volume, env valueFrom, envFrom},
// a third with Reloader annotations. 100 namespaces, 2 configs per workload in the pool. They are serialised as
// DeploymentList pages of 500 items, as the API server sends them, then the index is built from the page bytes.
// Measured: wall and CPU time (getrusage) of the build, RSS before/after and VmHWM, // bytes per reference, and the average of 1M random lookups. Build with `-c release`.
import Foundation
import Reloader

#if canImport(Glibc)
    import Glibc
#endif

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func procStatusKiB(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// glibc's `malloc_trim(0)`, looked up at run time (malloc.h is not in the Glibc module): gives freed heap back to
/// the kernel before a baseline, so the RSS delta of the build is not hidden by reuse of memory freed earlier.
func trimHeap() {
    typealias Trim = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(nil, "malloc_trim") else { return }  // nil: RTLD_DEFAULT
    _ = unsafeBitCast(symbol, to: Trim.self)(0)
}

let pageSize = 500
let namespaceCount = 100

// MARK: - Synthetic workloads

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

func uuid(_ random: inout SplitMix) -> String {
    let a = random.next()
    let b = random.next()
    let hex = String(format: "%016llx%016llx", a, b)
    let c = Array(hex)
    return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-a" + String(c[17..<20]) + "-"
        + String(c[20..<32])
}

func configName(_ index: Int, secret: Bool) -> String {
    secret ? "svc-secret-\(String(format: "%06d", index))" : "svc-config-\(String(format: "%06d", index))"
}

/// One Deployment item as the API server would serialise it (key order as Go writes it).
func deploymentJSON(_ index: Int, configsPerNamespace: Int, random: inout SplitMix) -> String {
    let namespace = "team-\(String(format: "%03d", index % namespaceCount))"
    let name = "svc-\(String(format: "%06d", index))-api"
    var env: [String] = [#"{"name":"LOG_LEVEL","value":"info"}"#, #"{"name":"PORT","value":"8080"}"#]
    var envFrom: [String] = []
    var volumes: [String] = []
    var mounts: [String] = []
    var chosen = Set<Int>()
    while chosen.count < 3 { chosen.insert(random.below(configsPerNamespace)) }
    for (n, config) in chosen.sorted().enumerated() {
        let secret = config % 2 == 1
        let configName = configName(config, secret: secret)
        switch random.below(4) {
        case 0:
            let ref = secret ? "secretKeyRef" : "configMapKeyRef"
            env.append(#"{"name":"VALUE_\#(n)","valueFrom":{"\#(ref)":{"name":"\#(configName)","key":"value"}}}"#)
        case 1:
            envFrom.append(
                secret ? #"{"secretRef":{"name":"\#(configName)"}}"# : #"{"configMapRef":{"name":"\#(configName)"}}"#)
        case 2:
            volumes.append(
                secret
                    ? #"{"name":"vol-\#(n)","secret":{"secretName":"\#(configName)","defaultMode":420}}"#
                    : #"{"name":"vol-\#(n)","configMap":{"name":"\#(configName)","defaultMode":420}}"#)
            mounts.append(#"{"name":"vol-\#(n)","readOnly":true,"mountPath":"/etc/vol-\#(n)"}"#)
        default:
            let source = secret ? #"{"secret":{"name":"\#(configName)"}}"# : #"{"configMap":{"name":"\#(configName)"}}"#
            volumes.append(#"{"name":"vol-\#(n)","projected":{"sources":[\#(source)],"defaultMode":420}}"#)
            mounts.append(#"{"name":"vol-\#(n)","readOnly":true,"mountPath":"/etc/vol-\#(n)"}"#)
        }
    }
    var annotations = #""deployment.kubernetes.io/revision":"\#(1 + random.below(9))""#
    var templateAnnotations = ""
    switch random.below(6) {
    case 0: annotations += #","reloader.stakater.com/auto":"true""#
    case 1: annotations += #","configmap.reloader.stakater.com/reload":"\#(configName(0, secret: false))""#
    case 2: templateAnnotations = #","annotations":{"secret.reloader.stakater.com/auto":"true"}"#
    default: break
    }
    let uid = uuid(&random)
    let container = """
        {"name":"api","image":"registry.example.com/\(namespace)/api:1.\(index % 50).3","ports":[{"name":"http",\
        "containerPort":8080,"protocol":"TCP"}],\(envFrom.isEmpty ? "" : #""envFrom":[\#(envFrom.joined(separator: ","))],"#)\
        "env":[\(env.joined(separator: ","))],"resources":{"limits":{"cpu":"500m","memory":"256Mi"},\
        "requests":{"cpu":"100m","memory":"128Mi"}},\(mounts.isEmpty ? "" : #""volumeMounts":[\#(mounts.joined(separator: ","))],"#)\
        "livenessProbe":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"timeoutSeconds":1,\
        "periodSeconds":10,"successThreshold":1,"failureThreshold":3},"terminationMessagePath":"/dev/termination-log",\
        "terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}
        """
    return """
        {"metadata":{"name":"\(name)","namespace":"\(namespace)","uid":"\(uid)","resourceVersion":"\(100_000 + index * 3)",\
        "generation":1,"creationTimestamp":"2025-11-20T09:15:40Z","labels":{"app.kubernetes.io/name":"\(name)",\
        "app.kubernetes.io/part-of":"\(namespace)"},"annotations":{\(annotations)},"managedFields":[{"manager":\
        "kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1","time":"2025-11-20T09:15:40Z",\
        "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{}},"f:labels":{".":{},\
        "f:app.kubernetes.io/name":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:metadata":{"f:labels":{".":{},\
        "f:app":{}}},"f:spec":{"f:containers":{}}}}}}]},"spec":{"replicas":2,"selector":{"matchLabels":{"app":\
        "\(name)"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"\(name)"}\(templateAnnotations)},\
        "spec":{\(volumes.isEmpty ? "" : #""volumes":[\#(volumes.joined(separator: ","))],"#)"containers":[\(container)],\
        "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":\
        "default","securityContext":{},"schedulerName":"default-scheduler"}},"strategy":{"type":"RollingUpdate",\
        "rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},"revisionHistoryLimit":10,"progressDeadlineSeconds":600},\
        "status":{"observedGeneration":1,"replicas":2,"updatedReplicas":2,"readyReplicas":2,"availableReplicas":2,\
        "conditions":[{"type":"Available","status":"True","lastUpdateTime":"2025-11-20T09:16:02Z","lastTransitionTime":\
        "2025-11-20T09:16:02Z","reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."},\
        {"type":"Progressing","status":"True","lastUpdateTime":"2025-11-20T09:16:02Z","lastTransitionTime":\
        "2025-11-20T09:15:40Z","reason":"NewReplicaSetAvailable","message":"ReplicaSet \\"\(name)-6d8f7b9c4d\\" has \
        successfully progressed."}]}}
        """
}

func makePages(workloads: Int) -> (pages: [[UInt8]], itemBytes: Int) {
    var random = SplitMix(state: 42)
    let configsPerNamespace = max(4, 2 * workloads / namespaceCount)
    var pages: [[UInt8]] = []
    var itemBytes = 0
    var start = 0
    while start < workloads {
        let end = min(workloads, start + pageSize)
        var items: [String] = []
        for index in start..<end {
            let item = deploymentJSON(index, configsPerNamespace: configsPerNamespace, random: &random)
            itemBytes += item.utf8.count
            items.append(item)
        }
        let continueToken =
            end < workloads ? "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTAwMDAwLCJzdGFydCI6IjEwMDAifQ\(end)" : ""
        let page = """
            {"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{"resourceVersion":"999999",\
            "continue":"\(continueToken)"},"items":[\(items.joined(separator: ","))]}
            """
        pages.append(Array(page.utf8))
        start = end
    }
    return (pages, itemBytes)
}

// MARK: - One size

func runOne(workloads: Int, lookups: Int) throws {
    let (pages, itemBytes) = makePages(workloads: workloads)
    // Check the page bytes parse as JSON before timing anything.
    _ = try JSONValue.parse(pages[0])

    // Byte path: the real re-index.
    trimHeap()
    let rssBefore = procStatusKiB("VmRSS")
    let wallStart = ContinuousClock.now
    let cpuStart = cpuSeconds()
    var builder = ReverseIndexBuilder(expectedWorkloads: workloads)
    for page in pages { try builder.addListPage(page, kind: .deployment) }
    let index = builder.build()
    let cpu = cpuSeconds() - cpuStart
    let wall = ContinuousClock.now - wallStart
    let rssAfter = procStatusKiB("VmRSS")
    let peak = procStatusKiB("VmHWM")
    precondition(index.count == workloads, "every workload indexed")
    let references = index.referenceCount

    // Lookups: random existing configs, and random workloads.
    var random = SplitMix(state: 7)
    let configsPerNamespace = max(4, 2 * workloads / namespaceCount)
    var configs: [ConfigRef] = []
    for _ in 0..<4096 {
        let config = random.below(configsPerNamespace)
        configs.append(
            ConfigRef(
                kind: config % 2 == 1 ? .secret : .configMap,
                namespace: "team-\(String(format: "%03d", random.below(namespaceCount)))",
                name: configName(config, secret: config % 2 == 1)))
    }
    var found = 0
    let lookupStart = ContinuousClock.now
    for iteration in 0..<lookups { found &+= index.workloads(using: configs[iteration & 4095]).count }
    let lookupTime = ContinuousClock.now - lookupStart
    var refs: [WorkloadRef] = []
    for _ in 0..<4096 {
        let workload = random.below(workloads)
        refs.append(
            WorkloadRef(
                kind: .deployment, namespace: "team-\(String(format: "%03d", workload % namespaceCount))",
                name: "svc-\(String(format: "%06d", workload))-api"))
    }
    var hits = 0
    let recordStart = ContinuousClock.now
    for iteration in 0..<lookups where index.record(for: refs[iteration & 4095]) != nil { hits += 1 }
    let recordTime = ContinuousClock.now - recordStart
    precondition(hits == lookups, "every workload found")

    // Tree path, for comparison: JSONValue per page, then extraction per item (CPU only; its memory is freed).
    let treeCPUStart = cpuSeconds()
    var treeBuilder = ReverseIndexBuilder(expectedWorkloads: workloads)
    for page in pages {
        for item in try JSONValue.parse(page)["items"]?.arrayValue ?? [] {
            if let record = WorkloadRecord.extract(from: item, kind: .deployment) { treeBuilder.add(record) }
        }
    }
    let treeIndex = treeBuilder.build()
    let treeCPU = cpuSeconds() - treeCPUStart
    precondition(treeIndex.count == workloads, "every workload indexed by the tree path")

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    let pageMiB = Double(pages.reduce(0) { $0 + $1.count }) / 1_048_576
    let rssDelta = (rssAfter - rssBefore) * 1024
    print(
        "| \(workloads) | \(references) | \(itemBytes / workloads) B, \(String(format: "%.0f", pageMiB)) MiB "
            + "| \(String(format: "%.3f", seconds(wall))) s | \(String(format: "%.3f", cpu)) s "
            + "| \(String(format: "%.3f", treeCPU)) s "
            + "| \(rssAfter / 1024) MiB (+\(rssDelta / 1_048_576) MiB) | \(peak / 1024) MiB "
            + "| \(rssDelta / references) B "
            + "| \(String(format: "%.0f", seconds(lookupTime) * 1e9 / Double(lookups))) ns "
            + "(\(String(format: "%.1f", Double(found) / Double(lookups))) hits) "
            + "| \(String(format: "%.0f", seconds(recordTime) * 1e9 / Double(lookups))) ns |")
}

// MARK: - Main

let lookups = argument("--lookups").flatMap(Int.init) ?? 1_000_000
if let workloads = argument("--workloads").flatMap(Int.init) {
    do { try runOne(workloads: workloads, lookups: lookups) } catch {
        FileHandle.standardError.write(Data("index-bench: error: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}

let sizes = (argument("--sizes") ?? "10000,100000").split(separator: ",").compactMap { Int($0) }
print("## Reverse index (index-bench)\n")
print(
    "Synthetic Deployments (~2.7 KiB each, exactly 3 config references, 100 namespaces, pages of \(pageSize)), "
        + "indexed from the page bytes with JSONReader. Targets: ≤ 200 B/reference, 100k re-indexed in < 2 s CPU.\n")
print(
    "| workloads | references | item size, pages | re-index wall | re-index CPU | CPU via JSONValue tree "
        + "| RSS after (delta) | peak RSS (VmHWM, incl. pages)  | RSS delta / reference "
        + "| workloads(using:) | record(for:) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for size in sizes {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["--workloads", String(size), "--lookups", String(lookups)]
    let output = Pipe()
    child.standardOutput = output
    do { try child.run() } catch {
        FileHandle.standardError.write(Data("index-bench: cannot run a child: \(error)\n".utf8))
        exit(1)
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    child.waitUntilExit()
    guard child.terminationStatus == 0 else {
        FileHandle.standardError.write(Data("index-bench: the \(size) run failed\n".utf8))
        exit(1)
    }
    print(String(decoding: data, as: UTF8.self), terminator: "")
}
