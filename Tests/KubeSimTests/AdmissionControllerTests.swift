import KubeSim
import Testing

@Test("the default admission controller allows every write without warnings")
func allowAllAllows() {
    let attributes = AdmissionAttributes(
        operation: "CREATE", group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespace: "shop",
        name: "app", object: ["kind": "ConfigMap"], oldObject: nil, dryRun: false)
    #expect(AllowAllAdmission().admit(attributes) == .allowed(warnings: []))
}
