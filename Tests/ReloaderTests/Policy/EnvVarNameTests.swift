import Testing

@testable import Reloader

extension PolicyTests {
    @Suite struct EnvVarNameTests {
        @Test(
            "envName keeps A-Z0-9 and turns runs after a kept character into one underscore (§5.1)",
            arguments: [
                ("my-config", "MY_CONFIG"), ("www.stakater.com", "WWW_STAKATER_COM"), ("-lead", "LEAD"),
                ("trail-", "TRAIL_"),
                ("a..b", "A_B"), ("app_config.v2", "APP_CONFIG_V2"), ("app-config", "APP_CONFIG"), ("", ""), ("--", ""),
            ])
        func envName(name: String, expected: String) {
            #expect(EnvVarName.envName(name) == expected)
        }

        @Test(
            "the env var is STAKATER_<NAME>_<TYPE> for each config kind (C01)",
            arguments: [
                ("app-config", ConfigKind.configMap, "STAKATER_APP_CONFIG_CONFIGMAP"),
                ("db-credentials", .secret, "STAKATER_DB_CREDENTIALS_SECRET"),
                ("vault-db", .secretProviderClass, "STAKATER_VAULT_DB_SECRETPROVIDERCLASS"),
            ])
        func fullName(name: String, kind: ConfigKind, expected: String) {
            #expect(EnvVarName.forConfig(named: name, kind: kind) == expected)
        }
    }
}
