import Testing

@testable import WebhookServer

@Suite struct RouterTests {
    let router: Router = {
        var router = Router()
        router.add("POST", "/validate") { _ in HTTPResponse(status: 200, body: Array("ok".utf8)) }
        return router
    }()

    @Test("a known path and method reaches its handler")
    func dispatches() {
        #expect(router.handle(HTTPRequest(method: "POST", path: "/validate")).status == 200)
    }

    @Test("an unknown path is 404")
    func unknownPath() {
        #expect(router.handle(HTTPRequest(method: "POST", path: "/nope")).status == 404)
    }

    @Test("a known path with another method is 405 with Allow")
    func wrongMethod() {
        let response = router.handle(HTTPRequest(method: "GET", path: "/validate"))
        #expect(response.status == 405)
        #expect(response.headers["allow"] == "POST")
    }
}
