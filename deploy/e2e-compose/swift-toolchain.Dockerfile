# The swift:<version>-bookworm base image the Swift Dockerfiles' build stage starts from,
# made by scripts/e2e-compose.sh from this machine's toolchain (/opt/swift), because no
# registry can be reached to pull the official one.
#
# The build context is not a folder: e2e-compose.sh streams a tar to `docker build -`
# holding this file (as Dockerfile), scripts/install-deps.sh and the toolchain's usr/
# minus what a `swift build` never runs — lldb, sourcekit-lsp, clangd, docc, swift-format,
# wasmkit, embedded Swift, libclang/libLTO, the docs: 1.6 of the toolchain's 3.4 GB, read
# straight from /opt/swift with no staging copy. Layers: debian:bookworm-slim (debootstrap,
# made by the same script), the toolchain's own Debian dependencies (install-deps.sh
# --toolchain), then the toolchain into /usr where the official image has it.
FROM debian:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh --toolchain && rm /tmp/install-deps.sh
COPY usr/ /usr/
RUN swift --version
