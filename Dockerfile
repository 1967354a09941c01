# The reloader image: a static-stdlib release build on the Swift image, run on debian:12-slim as a non-root user.
#   docker build -t ghcr.io/reloader-dev/reloader:0.1.0 .
# NOT BUILT OR PUBLISHED FROM THIS REPOSITORY: the machines it is developed and tested on have no container
# engine, so this file has never been built here. The deployments/ manifests name
# ghcr.io/reloader-dev/reloader:0.1.0; build and push it yourself and override the image (kustomize `images:`,
# Helm `image.repository`/`image.tag`).

ARG SWIFT_IMAGE=swift:6.3-bookworm

FROM ${SWIFT_IMAGE} AS build
# The three C libraries reloader links (OpenSSL, libcurl, nghttp2), as `make deps` installs them.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libssl-dev libcurl4-openssl-dev libnghttp2-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest first, so the dependency checkout is cached across source changes.
COPY Package.swift Package.resolved* ./
RUN swift package resolve
# SwiftPM checks every target's directory, tests and benchmarks included, even for one product.
COPY . .
# --static-swift-stdlib: the Swift runtime and Foundation are linked in, so the runtime image needs only the C
# libraries below.
RUN swift build -c release --static-swift-stdlib --product reloader \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/reloader" /out/reloader

FROM debian:12-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       libssl3 libcurl4 libnghttp2-14 libstdc++6 zlib1g ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/reloader /usr/local/bin/reloader
# The uid the manifests' securityContext names (runAsUser 65532). reloader writes nothing to its root filesystem
# (readOnlyRootFilesystem: true): certificates are read from the mounted Secret, logs go to stderr.
USER 65532:65532
EXPOSE 8443 9090
ENTRYPOINT ["/usr/local/bin/reloader"]
